-- AlterTable
ALTER TABLE "Bureau" ADD COLUMN     "inspectionCron" TEXT NOT NULL DEFAULT '0 9 1 * *';

-- CreateTable
CREATE TABLE "InspectionRun" (
    "id" TEXT NOT NULL,
    "bureauCode" TEXT NOT NULL,
    "idempotencyKey" TEXT NOT NULL,
    "ranAt" TIMESTAMP(3) NOT NULL,
    "trigger" TEXT NOT NULL,
    "requestedBy" TEXT,

    CONSTRAINT "InspectionRun_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "InspectionSection" (
    "id" TEXT NOT NULL,
    "runId" TEXT NOT NULL,
    "departmentName" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "unremindedLicences" INTEGER NOT NULL,
    "overdueTasks" INTEGER NOT NULL,
    "incompleteLedgerRows" INTEGER NOT NULL,
    "findings" JSONB NOT NULL,

    CONSTRAINT "InspectionSection_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "InspectionFollowUp" (
    "id" TEXT NOT NULL,
    "sectionId" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "note" TEXT NOT NULL,
    "markedBy" TEXT NOT NULL,
    "markedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "InspectionFollowUp_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "InspectionRun_idempotencyKey_key" ON "InspectionRun"("idempotencyKey");

-- CreateIndex
CREATE INDEX "InspectionRun_bureauCode_ranAt_idx" ON "InspectionRun"("bureauCode", "ranAt");

-- CreateIndex
CREATE UNIQUE INDEX "InspectionSection_runId_departmentName_key" ON "InspectionSection"("runId", "departmentName");

-- CreateIndex
CREATE INDEX "InspectionFollowUp_sectionId_markedAt_idx" ON "InspectionFollowUp"("sectionId", "markedAt");

-- AddForeignKey
ALTER TABLE "InspectionRun" ADD CONSTRAINT "InspectionRun_bureauCode_fkey" FOREIGN KEY ("bureauCode") REFERENCES "Bureau"("code") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "InspectionSection" ADD CONSTRAINT "InspectionSection_runId_fkey" FOREIGN KEY ("runId") REFERENCES "InspectionRun"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "InspectionFollowUp" ADD CONSTRAINT "InspectionFollowUp_sectionId_fkey" FOREIGN KEY ("sectionId") REFERENCES "InspectionSection"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
