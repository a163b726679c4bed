-- CreateTable
CREATE TABLE "Bureau" (
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "timeZone" TEXT NOT NULL DEFAULT 'Asia/Shanghai',

    CONSTRAINT "Bureau_pkey" PRIMARY KEY ("code")
);

-- CreateTable
CREATE TABLE "Department" (
    "id" TEXT NOT NULL,
    "bureauCode" TEXT NOT NULL,
    "name" TEXT NOT NULL,

    CONSTRAINT "Department_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CatalogueEntry" (
    "id" TEXT NOT NULL,
    "bureauCode" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "departmentId" TEXT NOT NULL,
    "approvalItem" TEXT NOT NULL,
    "licenceName" TEXT NOT NULL,
    "validityText" TEXT NOT NULL,
    "reminderLeadMonths" INTEGER NOT NULL DEFAULT 3,
    "remindersEnabled" BOOLEAN NOT NULL DEFAULT true,

    CONSTRAINT "CatalogueEntry_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Licence" (
    "id" TEXT NOT NULL,
    "bureauCode" TEXT NOT NULL,
    "licenceNumber" TEXT NOT NULL,
    "catalogueEntryId" TEXT NOT NULL,
    "holderName" TEXT NOT NULL,
    "holderIdNumber" TEXT,
    "contactName" TEXT NOT NULL,
    "contactPhone" TEXT NOT NULL,
    "contactAddress" TEXT,
    "issuedOn" DATE NOT NULL,
    "expiresOn" DATE NOT NULL,
    "workflowId" TEXT NOT NULL,
    "stage" TEXT NOT NULL,
    "reminderWindowOpensAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Licence_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "LicenceEvent" (
    "id" TEXT NOT NULL,
    "licenceId" TEXT NOT NULL,
    "idempotencyKey" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "occurredAt" TIMESTAMP(3) NOT NULL,
    "details" JSONB NOT NULL DEFAULT '{}',
    "recordedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "LicenceEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Department_bureauCode_name_key" ON "Department"("bureauCode", "name");

-- CreateIndex
CREATE INDEX "CatalogueEntry_bureauCode_licenceName_idx" ON "CatalogueEntry"("bureauCode", "licenceName");

-- CreateIndex
CREATE UNIQUE INDEX "CatalogueEntry_bureauCode_code_key" ON "CatalogueEntry"("bureauCode", "code");

-- CreateIndex
CREATE UNIQUE INDEX "Licence_workflowId_key" ON "Licence"("workflowId");

-- CreateIndex
CREATE INDEX "Licence_bureauCode_stage_idx" ON "Licence"("bureauCode", "stage");

-- CreateIndex
CREATE INDEX "Licence_expiresOn_idx" ON "Licence"("expiresOn");

-- CreateIndex
CREATE UNIQUE INDEX "Licence_bureauCode_licenceNumber_key" ON "Licence"("bureauCode", "licenceNumber");

-- CreateIndex
CREATE UNIQUE INDEX "LicenceEvent_idempotencyKey_key" ON "LicenceEvent"("idempotencyKey");

-- CreateIndex
CREATE INDEX "LicenceEvent_licenceId_occurredAt_idx" ON "LicenceEvent"("licenceId", "occurredAt");

-- AddForeignKey
ALTER TABLE "Department" ADD CONSTRAINT "Department_bureauCode_fkey" FOREIGN KEY ("bureauCode") REFERENCES "Bureau"("code") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CatalogueEntry" ADD CONSTRAINT "CatalogueEntry_bureauCode_fkey" FOREIGN KEY ("bureauCode") REFERENCES "Bureau"("code") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CatalogueEntry" ADD CONSTRAINT "CatalogueEntry_departmentId_fkey" FOREIGN KEY ("departmentId") REFERENCES "Department"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Licence" ADD CONSTRAINT "Licence_bureauCode_fkey" FOREIGN KEY ("bureauCode") REFERENCES "Bureau"("code") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Licence" ADD CONSTRAINT "Licence_catalogueEntryId_fkey" FOREIGN KEY ("catalogueEntryId") REFERENCES "CatalogueEntry"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LicenceEvent" ADD CONSTRAINT "LicenceEvent_licenceId_fkey" FOREIGN KEY ("licenceId") REFERENCES "Licence"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
