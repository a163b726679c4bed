-- AlterTable
ALTER TABLE "PendingSmsReceipt" ADD COLUMN     "outId" TEXT;

-- CreateIndex
CREATE INDEX "PendingSmsReceipt_outId_idx" ON "PendingSmsReceipt"("outId");
