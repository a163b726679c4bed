-- AlterTable
ALTER TABLE "HumanTask" ADD COLUMN     "escalatedAt" TIMESTAMP(3);
