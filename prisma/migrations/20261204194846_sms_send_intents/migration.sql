-- CreateTable
CREATE TABLE "SmsSendIntent" (
    "outId" TEXT NOT NULL,
    "licenceId" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "phone" TEXT NOT NULL,
    "firstTriedAt" TIMESTAMP(3) NOT NULL,
    "lastTriedAt" TIMESTAMP(3) NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "resends" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "SmsSendIntent_pkey" PRIMARY KEY ("outId")
);
