-- CreateTable
CREATE TABLE "PromptDelivery" (
    "idempotencyKey" TEXT NOT NULL,
    "licenceId" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,
    "deliveredAt" TIMESTAMP(3),
    "receipt" TEXT,

    CONSTRAINT "PromptDelivery_pkey" PRIMARY KEY ("idempotencyKey")
);

-- CreateIndex
CREATE INDEX "PromptDelivery_licenceId_idx" ON "PromptDelivery"("licenceId");

-- AddForeignKey
ALTER TABLE "PromptDelivery" ADD CONSTRAINT "PromptDelivery_licenceId_fkey" FOREIGN KEY ("licenceId") REFERENCES "Licence"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
