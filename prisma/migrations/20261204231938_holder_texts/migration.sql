-- CreateTable
CREATE TABLE "HolderText" (
    "bureauCode" TEXT NOT NULL,
    "phone" TEXT NOT NULL,
    "day" TEXT NOT NULL,
    "saying" TEXT NOT NULL,
    "outId" TEXT NOT NULL,
    "licenceIds" TEXT[],
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "HolderText_pkey" PRIMARY KEY ("bureauCode","phone","day","saying")
);

-- CreateIndex
CREATE UNIQUE INDEX "HolderText_outId_key" ON "HolderText"("outId");
