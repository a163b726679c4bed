-- AlterTable
ALTER TABLE "Licence" ADD COLUMN     "workflowStartedAt" TIMESTAMP(3);
