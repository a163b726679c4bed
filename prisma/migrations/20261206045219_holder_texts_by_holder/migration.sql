-- DropIndex
DROP INDEX "HolderText_outId_key";

-- AlterTable
ALTER TABLE "HolderText" DROP CONSTRAINT "HolderText_pkey",
ADD CONSTRAINT "HolderText_pkey" PRIMARY KEY ("outId");

-- CreateIndex
CREATE INDEX "HolderText_phone_day_idx" ON "HolderText"("phone", "day");
