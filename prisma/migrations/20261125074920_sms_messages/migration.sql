-- CreateTable
CREATE TABLE "SmsMessage" (
    "messageId" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "outId" TEXT NOT NULL,
    "licenceId" TEXT NOT NULL,
    "workflowId" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'sent',
    "reportCode" TEXT,
    "sentAt" TIMESTAMP(3) NOT NULL,
    "receiptAt" TIMESTAMP(3),
    "lateReceipt" BOOLEAN NOT NULL DEFAULT false,
    "duplicateReceipts" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "SmsMessage_pkey" PRIMARY KEY ("messageId")
);

-- CreateIndex
CREATE UNIQUE INDEX "SmsMessage_outId_key" ON "SmsMessage"("outId");

-- CreateIndex
CREATE INDEX "SmsMessage_licenceId_idx" ON "SmsMessage"("licenceId");

-- AddForeignKey
ALTER TABLE "SmsMessage" ADD CONSTRAINT "SmsMessage_licenceId_fkey" FOREIGN KEY ("licenceId") REFERENCES "Licence"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
