-- AlterTable
ALTER TABLE "CatalogueEntry" ADD COLUMN     "graceDays" INTEGER NOT NULL DEFAULT 30;

-- AlterTable
ALTER TABLE "Department" ADD COLUMN     "ladder" JSONB;

-- AlterTable
ALTER TABLE "Licence" ADD COLUMN     "closedReason" TEXT,
ADD COLUMN     "contactFlaggedAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "HumanTask" (
    "id" TEXT NOT NULL,
    "idempotencyKey" TEXT NOT NULL,
    "licenceId" TEXT NOT NULL,
    "departmentId" TEXT NOT NULL,
    "workflowId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "attempt" INTEGER NOT NULL DEFAULT 1,
    "status" TEXT NOT NULL DEFAULT 'open',
    "dueAt" TIMESTAMP(3) NOT NULL,
    "claimedBy" TEXT,
    "claimedAt" TIMESTAMP(3),
    "completedBy" TEXT,
    "completedAt" TIMESTAMP(3),
    "outcome" TEXT,
    "note" TEXT,
    "letterId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "HumanTask_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "LedgerEntry" (
    "id" TEXT NOT NULL,
    "idempotencyKey" TEXT NOT NULL,
    "licenceId" TEXT NOT NULL,
    "bureauCode" TEXT NOT NULL,
    "departmentName" TEXT NOT NULL,
    "holderName" TEXT NOT NULL,
    "licenceName" TEXT NOT NULL,
    "licenceNumber" TEXT NOT NULL,
    "expiresOn" DATE NOT NULL,
    "contactName" TEXT NOT NULL,
    "contactPhone" TEXT NOT NULL,
    "remindedAt" TIMESTAMP(3) NOT NULL,
    "remindedOn" DATE NOT NULL,
    "remindedBy" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "outcome" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "LedgerEntry_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Alert" (
    "id" TEXT NOT NULL,
    "idempotencyKey" TEXT NOT NULL,
    "licenceId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "message" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "acknowledgedAt" TIMESTAMP(3),

    CONSTRAINT "Alert_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Letter" (
    "id" TEXT NOT NULL,
    "idempotencyKey" TEXT NOT NULL,
    "licenceId" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Letter_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RenewalApplication" (
    "id" TEXT NOT NULL,
    "licenceId" TEXT NOT NULL,
    "applicationNumber" TEXT NOT NULL,
    "appliedOn" DATE NOT NULL,
    "decision" TEXT,
    "decidedOn" DATE,
    "newLicenceNumber" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RenewalApplication_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Regulator" (
    "id" TEXT NOT NULL,
    "bureauCode" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "webhookUrl" TEXT,
    "secret" TEXT,

    CONSTRAINT "Regulator_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CatalogueRegulator" (
    "catalogueEntryId" TEXT NOT NULL,
    "regulatorId" TEXT NOT NULL,
    "role" TEXT NOT NULL,

    CONSTRAINT "CatalogueRegulator_pkey" PRIMARY KEY ("catalogueEntryId","regulatorId")
);

-- CreateTable
CREATE TABLE "RegulatorDelivery" (
    "id" TEXT NOT NULL,
    "idempotencyKey" TEXT NOT NULL,
    "licenceId" TEXT NOT NULL,
    "regulatorId" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,
    "deliveredAt" TIMESTAMP(3),
    "receipt" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RegulatorDelivery_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RegulatorDeliveryAttempt" (
    "id" TEXT NOT NULL,
    "deliveryId" TEXT NOT NULL,
    "attempt" INTEGER NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,
    "httpStatus" INTEGER,
    "error" TEXT,

    CONSTRAINT "RegulatorDeliveryAttempt_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "HumanTask_idempotencyKey_key" ON "HumanTask"("idempotencyKey");

-- CreateIndex
CREATE INDEX "HumanTask_departmentId_status_idx" ON "HumanTask"("departmentId", "status");

-- CreateIndex
CREATE INDEX "HumanTask_licenceId_idx" ON "HumanTask"("licenceId");

-- CreateIndex
CREATE UNIQUE INDEX "LedgerEntry_idempotencyKey_key" ON "LedgerEntry"("idempotencyKey");

-- CreateIndex
CREATE INDEX "LedgerEntry_bureauCode_departmentName_remindedOn_idx" ON "LedgerEntry"("bureauCode", "departmentName", "remindedOn");

-- CreateIndex
CREATE UNIQUE INDEX "Alert_idempotencyKey_key" ON "Alert"("idempotencyKey");

-- CreateIndex
CREATE UNIQUE INDEX "Letter_idempotencyKey_key" ON "Letter"("idempotencyKey");

-- CreateIndex
CREATE UNIQUE INDEX "RenewalApplication_licenceId_applicationNumber_key" ON "RenewalApplication"("licenceId", "applicationNumber");

-- CreateIndex
CREATE UNIQUE INDEX "RegulatorDelivery_idempotencyKey_key" ON "RegulatorDelivery"("idempotencyKey");

-- CreateIndex
CREATE UNIQUE INDEX "RegulatorDeliveryAttempt_deliveryId_attempt_key" ON "RegulatorDeliveryAttempt"("deliveryId", "attempt");

-- AddForeignKey
ALTER TABLE "HumanTask" ADD CONSTRAINT "HumanTask_licenceId_fkey" FOREIGN KEY ("licenceId") REFERENCES "Licence"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "HumanTask" ADD CONSTRAINT "HumanTask_departmentId_fkey" FOREIGN KEY ("departmentId") REFERENCES "Department"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LedgerEntry" ADD CONSTRAINT "LedgerEntry_licenceId_fkey" FOREIGN KEY ("licenceId") REFERENCES "Licence"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Alert" ADD CONSTRAINT "Alert_licenceId_fkey" FOREIGN KEY ("licenceId") REFERENCES "Licence"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Letter" ADD CONSTRAINT "Letter_licenceId_fkey" FOREIGN KEY ("licenceId") REFERENCES "Licence"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RenewalApplication" ADD CONSTRAINT "RenewalApplication_licenceId_fkey" FOREIGN KEY ("licenceId") REFERENCES "Licence"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Regulator" ADD CONSTRAINT "Regulator_bureauCode_fkey" FOREIGN KEY ("bureauCode") REFERENCES "Bureau"("code") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CatalogueRegulator" ADD CONSTRAINT "CatalogueRegulator_catalogueEntryId_fkey" FOREIGN KEY ("catalogueEntryId") REFERENCES "CatalogueEntry"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CatalogueRegulator" ADD CONSTRAINT "CatalogueRegulator_regulatorId_fkey" FOREIGN KEY ("regulatorId") REFERENCES "Regulator"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RegulatorDelivery" ADD CONSTRAINT "RegulatorDelivery_licenceId_fkey" FOREIGN KEY ("licenceId") REFERENCES "Licence"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RegulatorDelivery" ADD CONSTRAINT "RegulatorDelivery_regulatorId_fkey" FOREIGN KEY ("regulatorId") REFERENCES "Regulator"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RegulatorDeliveryAttempt" ADD CONSTRAINT "RegulatorDeliveryAttempt_deliveryId_fkey" FOREIGN KEY ("deliveryId") REFERENCES "RegulatorDelivery"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
