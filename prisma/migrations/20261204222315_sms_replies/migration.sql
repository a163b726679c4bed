-- CreateTable
CREATE TABLE "SmsReply" (
    "replyKey" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "phone" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "intent" TEXT NOT NULL,
    "signName" TEXT,
    "sentAt" TIMESTAMP(3) NOT NULL,
    "receivedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "SmsReply_pkey" PRIMARY KEY ("replyKey")
);

-- CreateTable
CREATE TABLE "SmsReplyLicence" (
    "replyKey" TEXT NOT NULL,
    "licenceId" TEXT NOT NULL,
    "taskId" TEXT,

    CONSTRAINT "SmsReplyLicence_pkey" PRIMARY KEY ("replyKey","licenceId")
);

-- CreateIndex
CREATE INDEX "SmsReply_phone_idx" ON "SmsReply"("phone");

-- CreateIndex
CREATE INDEX "SmsReplyLicence_licenceId_idx" ON "SmsReplyLicence"("licenceId");

-- AddForeignKey
ALTER TABLE "SmsReplyLicence" ADD CONSTRAINT "SmsReplyLicence_replyKey_fkey" FOREIGN KEY ("replyKey") REFERENCES "SmsReply"("replyKey") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SmsReplyLicence" ADD CONSTRAINT "SmsReplyLicence_licenceId_fkey" FOREIGN KEY ("licenceId") REFERENCES "Licence"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
