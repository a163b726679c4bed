-- AlterTable
ALTER TABLE "SmsMessage" ADD COLUMN     "reconciled" BOOLEAN NOT NULL DEFAULT false;
