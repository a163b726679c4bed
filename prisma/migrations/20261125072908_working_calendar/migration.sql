-- AlterTable
ALTER TABLE "Bureau" ADD COLUMN     "sendWindowCloses" TEXT NOT NULL DEFAULT '18:00',
ADD COLUMN     "sendWindowOpens" TEXT NOT NULL DEFAULT '09:00';

-- CreateTable
CREATE TABLE "CalendarOverride" (
    "bureauCode" TEXT NOT NULL,
    "date" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "name" TEXT NOT NULL,

    CONSTRAINT "CalendarOverride_pkey" PRIMARY KEY ("bureauCode","date")
);

-- AddForeignKey
ALTER TABLE "CalendarOverride" ADD CONSTRAINT "CalendarOverride_bureauCode_fkey" FOREIGN KEY ("bureauCode") REFERENCES "Bureau"("code") ON DELETE RESTRICT ON UPDATE CASCADE;
