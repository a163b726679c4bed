-- AlterTable
ALTER TABLE "Bureau" ADD COLUMN     "smsSignName" TEXT;
