-- CreateTable
CREATE TABLE "SmsQuota" (
    "scope" TEXT NOT NULL,
    "day" TEXT NOT NULL,
    "used" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "SmsQuota_pkey" PRIMARY KEY ("scope","day")
);

-- CreateTable
CREATE TABLE "SmsQuotaUse" (
    "outId" TEXT NOT NULL,
    "scope" TEXT NOT NULL,
    "day" TEXT NOT NULL,

    CONSTRAINT "SmsQuotaUse_pkey" PRIMARY KEY ("outId","scope","day")
);
