-- AlterTable
ALTER TABLE "Letter" ADD COLUMN     "pdf" BYTEA;
