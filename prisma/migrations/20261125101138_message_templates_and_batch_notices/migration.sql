-- AlterTable
ALTER TABLE "Bureau" ADD COLUMN     "batchNoticeCron" TEXT NOT NULL DEFAULT '0 9 * * 1',
ADD COLUMN     "officeAddress" TEXT,
ADD COLUMN     "portalUrl" TEXT,
ADD COLUMN     "servicePhone" TEXT;

-- AlterTable
ALTER TABLE "CatalogueEntry" ADD COLUMN     "batchNotices" BOOLEAN NOT NULL DEFAULT true;

-- CreateTable
CREATE TABLE "MessageTemplate" (
    "id" TEXT NOT NULL,
    "bureauCode" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "catalogueCode" TEXT NOT NULL DEFAULT '*',
    "text" TEXT NOT NULL,
    "providerTemplateId" TEXT,
    "updatedBy" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "MessageTemplate_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "BatchNotice" (
    "id" TEXT NOT NULL,
    "bureauCode" TEXT NOT NULL,
    "idempotencyKey" TEXT NOT NULL,
    "issuedOn" DATE NOT NULL,
    "title" TEXT NOT NULL,
    "entries" JSONB NOT NULL,
    "compiledAt" TIMESTAMP(3) NOT NULL,
    "deliveredAt" TIMESTAMP(3),
    "receipt" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,

    CONSTRAINT "BatchNotice_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "MessageTemplate_bureauCode_channel_catalogueCode_key" ON "MessageTemplate"("bureauCode", "channel", "catalogueCode");

-- CreateIndex
CREATE UNIQUE INDEX "BatchNotice_idempotencyKey_key" ON "BatchNotice"("idempotencyKey");

-- CreateIndex
CREATE INDEX "BatchNotice_bureauCode_issuedOn_idx" ON "BatchNotice"("bureauCode", "issuedOn");

-- AddForeignKey
ALTER TABLE "MessageTemplate" ADD CONSTRAINT "MessageTemplate_bureauCode_fkey" FOREIGN KEY ("bureauCode") REFERENCES "Bureau"("code") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BatchNotice" ADD CONSTRAINT "BatchNotice_bureauCode_fkey" FOREIGN KEY ("bureauCode") REFERENCES "Bureau"("code") ON DELETE RESTRICT ON UPDATE CASCADE;
