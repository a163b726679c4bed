-- CreateTable
CREATE TABLE "WechatBindingLink" (
    "code" TEXT NOT NULL,
    "licenceId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "WechatBindingLink_pkey" PRIMARY KEY ("code")
);

-- CreateTable
CREATE TABLE "WechatBinding" (
    "licenceId" TEXT NOT NULL,
    "openId" TEXT NOT NULL,
    "boundAt" TIMESTAMP(3) NOT NULL,
    "refusedAt" TIMESTAMP(3),
    "refusalCode" INTEGER,

    CONSTRAINT "WechatBinding_pkey" PRIMARY KEY ("licenceId")
);

-- CreateTable
CREATE TABLE "WechatMessage" (
    "idempotencyKey" TEXT NOT NULL,
    "licenceId" TEXT NOT NULL,
    "openId" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'sending',
    "msgId" TEXT,
    "errcode" INTEGER,
    "firstTriedAt" TIMESTAMP(3) NOT NULL,
    "sentAt" TIMESTAMP(3),
    "attempts" INTEGER NOT NULL DEFAULT 1,

    CONSTRAINT "WechatMessage_pkey" PRIMARY KEY ("idempotencyKey")
);

-- CreateIndex
CREATE UNIQUE INDEX "WechatBindingLink_licenceId_key" ON "WechatBindingLink"("licenceId");

-- CreateIndex
CREATE INDEX "WechatBinding_openId_idx" ON "WechatBinding"("openId");

-- CreateIndex
CREATE INDEX "WechatMessage_licenceId_idx" ON "WechatMessage"("licenceId");

-- AddForeignKey
ALTER TABLE "WechatBindingLink" ADD CONSTRAINT "WechatBindingLink_licenceId_fkey" FOREIGN KEY ("licenceId") REFERENCES "Licence"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "WechatBinding" ADD CONSTRAINT "WechatBinding_licenceId_fkey" FOREIGN KEY ("licenceId") REFERENCES "Licence"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "WechatMessage" ADD CONSTRAINT "WechatMessage_licenceId_fkey" FOREIGN KEY ("licenceId") REFERENCES "Licence"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
