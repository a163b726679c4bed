-- CreateTable
CREATE TABLE "HolderTextClaim" (
    "bureauCode" TEXT NOT NULL,
    "holder" TEXT NOT NULL,
    "day" TEXT NOT NULL,
    "saying" TEXT NOT NULL,
    "outId" TEXT NOT NULL,

    CONSTRAINT "HolderTextClaim_pkey" PRIMARY KEY ("bureauCode","holder","day","saying")
);

-- CreateIndex
CREATE INDEX "HolderText_bureauCode_day_idx" ON "HolderText"("bureauCode", "day");
