-- AlterTable
ALTER TABLE "HumanTask" ADD COLUMN     "bundleKey" TEXT;

-- CreateIndex
CREATE INDEX "HumanTask_bundleKey_idx" ON "HumanTask"("bundleKey");
