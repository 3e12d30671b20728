-- AlterTable
ALTER TABLE "bookings" ADD COLUMN     "google_calendar_id" TEXT;
