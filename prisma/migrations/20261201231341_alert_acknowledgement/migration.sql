-- AlterTable
ALTER TABLE "Alert" ADD COLUMN     "acknowledgedBy" TEXT;

-- CreateIndex
CREATE INDEX "Alert_licenceId_idx" ON "Alert"("licenceId");
