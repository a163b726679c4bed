-- CreateTable
CREATE TABLE "NationalScheduleYear" (
    "year" INTEGER NOT NULL,
    "source" TEXT NOT NULL,
    "loadedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "loadedBy" TEXT NOT NULL,

    CONSTRAINT "NationalScheduleYear_pkey" PRIMARY KEY ("year")
);

-- CreateTable
CREATE TABLE "NationalScheduleDay" (
    "date" TEXT NOT NULL,
    "year" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "name" TEXT NOT NULL,

    CONSTRAINT "NationalScheduleDay_pkey" PRIMARY KEY ("date")
);

-- CreateIndex
CREATE INDEX "NationalScheduleDay_year_idx" ON "NationalScheduleDay"("year");

-- AddForeignKey
ALTER TABLE "NationalScheduleDay" ADD CONSTRAINT "NationalScheduleDay_year_fkey" FOREIGN KEY ("year") REFERENCES "NationalScheduleYear"("year") ON DELETE CASCADE ON UPDATE CASCADE;
