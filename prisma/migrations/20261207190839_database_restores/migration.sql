-- CreateTable
CREATE TABLE "DatabaseRestore" (
    "id" SERIAL NOT NULL,
    "recoveredUpTo" TIMESTAMP(3) NOT NULL,
    "recordedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DatabaseRestore_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "DatabaseRestore_recordedAt_idx" ON "DatabaseRestore"("recordedAt");
