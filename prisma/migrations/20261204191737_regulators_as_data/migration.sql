-- AlterTable
ALTER TABLE "CatalogueEntry" ADD COLUMN     "regulatorsNotWanted" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "Regulator" DROP COLUMN "secret",
ADD COLUMN     "secretRef" TEXT,
ADD COLUMN     "version" INTEGER NOT NULL DEFAULT 1;

-- CreateTable
CREATE TABLE "RegulatorChange" (
    "id" TEXT NOT NULL,
    "regulatorId" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "changedBy" TEXT NOT NULL,
    "changedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "action" TEXT NOT NULL,
    "before" JSONB,
    "after" JSONB NOT NULL,

    CONSTRAINT "RegulatorChange_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "RegulatorChange_regulatorId_version_idx" ON "RegulatorChange"("regulatorId", "version");

-- AddForeignKey
ALTER TABLE "RegulatorChange" ADD CONSTRAINT "RegulatorChange_regulatorId_fkey" FOREIGN KEY ("regulatorId") REFERENCES "Regulator"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
