-- AlterTable
ALTER TABLE "memberships" ADD COLUMN     "active" BOOLEAN NOT NULL DEFAULT true;
