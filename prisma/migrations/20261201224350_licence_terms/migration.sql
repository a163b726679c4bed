-- AlterTable
ALTER TABLE "Licence" ADD COLUMN     "term" INTEGER NOT NULL DEFAULT 1;

-- CreateTable
CREATE TABLE "LicenceTerm" (
    "licenceId" TEXT NOT NULL,
    "term" INTEGER NOT NULL,
    "issuedOn" DATE NOT NULL,
    "expiresOn" DATE NOT NULL,
    "applicationNumber" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "LicenceTerm_pkey" PRIMARY KEY ("licenceId","term")
);

-- AddForeignKey
ALTER TABLE "LicenceTerm" ADD CONSTRAINT "LicenceTerm_licenceId_fkey" FOREIGN KEY ("licenceId") REFERENCES "Licence"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Every licence registered so far is in its first term.
INSERT INTO "LicenceTerm" ("licenceId", "term", "issuedOn", "expiresOn")
SELECT "id", 1, "issuedOn", "expiresOn" FROM "Licence";
