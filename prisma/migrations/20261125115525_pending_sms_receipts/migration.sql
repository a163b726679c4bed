-- CreateTable
CREATE TABLE "PendingSmsReceipt" (
    "messageId" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "reportCode" TEXT NOT NULL,
    "receivedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "PendingSmsReceipt_pkey" PRIMARY KEY ("messageId")
);
