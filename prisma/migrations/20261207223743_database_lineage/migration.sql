-- CreateTable
CREATE TABLE "DatabaseLineage" (
    "id" SERIAL NOT NULL,
    "systemIdentifier" TEXT NOT NULL,
    "timeline" INTEGER NOT NULL,
    "seenAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DatabaseLineage_pkey" PRIMARY KEY ("id")
);
