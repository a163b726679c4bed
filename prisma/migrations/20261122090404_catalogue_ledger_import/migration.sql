-- AlterTable
ALTER TABLE "CatalogueEntry" ADD COLUMN     "bookingUrl" TEXT,
ADD COLUMN     "materials" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "officeAddress" TEXT,
ADD COLUMN     "renewalDeadline" TEXT,
ADD COLUMN     "retiredAt" TIMESTAMP(3),
ADD COLUMN     "servicePhone" TEXT,
ADD COLUMN     "validityRule" JSONB,
ADD COLUMN     "version" INTEGER NOT NULL DEFAULT 1;

-- AlterTable
ALTER TABLE "Licence" ADD COLUMN     "parentLicenceId" TEXT,
ADD COLUMN     "validityWarning" TEXT;

-- CreateTable
CREATE TABLE "CatalogueChange" (
    "id" TEXT NOT NULL,
    "catalogueEntryId" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "changedBy" TEXT NOT NULL,
    "changedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "action" TEXT NOT NULL,
    "before" JSONB,
    "after" JSONB NOT NULL,

    CONSTRAINT "CatalogueChange_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ReplanJob" (
    "id" TEXT NOT NULL,
    "catalogueEntryId" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "total" INTEGER NOT NULL DEFAULT 0,
    "done" INTEGER NOT NULL DEFAULT 0,
    "failed" INTEGER NOT NULL DEFAULT 0,
    "cursor" TEXT,
    "lastError" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "ReplanJob_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ImportJob" (
    "id" TEXT NOT NULL,
    "bureauCode" TEXT NOT NULL,
    "fileName" TEXT NOT NULL,
    "fileSha256" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "totalRows" INTEGER NOT NULL DEFAULT 0,
    "processedRows" INTEGER NOT NULL DEFAULT 0,
    "importedRows" INTEGER NOT NULL DEFAULT 0,
    "existingRows" INTEGER NOT NULL DEFAULT 0,
    "badRows" INTEGER NOT NULL DEFAULT 0,
    "problems" JSONB NOT NULL DEFAULT '[]',
    "lastError" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "ImportJob_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "CatalogueChange_catalogueEntryId_version_idx" ON "CatalogueChange"("catalogueEntryId", "version");

-- CreateIndex
CREATE INDEX "ImportJob_bureauCode_fileSha256_idx" ON "ImportJob"("bureauCode", "fileSha256");

-- CreateIndex
CREATE INDEX "Licence_parentLicenceId_idx" ON "Licence"("parentLicenceId");

-- AddForeignKey
ALTER TABLE "Licence" ADD CONSTRAINT "Licence_parentLicenceId_fkey" FOREIGN KEY ("parentLicenceId") REFERENCES "Licence"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CatalogueChange" ADD CONSTRAINT "CatalogueChange_catalogueEntryId_fkey" FOREIGN KEY ("catalogueEntryId") REFERENCES "CatalogueEntry"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ReplanJob" ADD CONSTRAINT "ReplanJob_catalogueEntryId_fkey" FOREIGN KEY ("catalogueEntryId") REFERENCES "CatalogueEntry"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
