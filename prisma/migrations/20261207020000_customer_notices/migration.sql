-- Booking notices (a tenant's customerNotices, a text's dedup key) and the two new e-mail template
-- types. Written with IF NOT EXISTS: a development database that ran this under an earlier folder name
-- takes it again without failing.
-- AlterEnum
-- This migration adds more than one value to an enum.
-- With PostgreSQL versions 11 and earlier, this is not possible
-- in a single migration. This can be worked around by creating
-- multiple migrations, each migration adding only one value to
-- the enum.


ALTER TYPE "EmailTemplateType" ADD VALUE IF NOT EXISTS 'booking_moved';
ALTER TYPE "EmailTemplateType" ADD VALUE IF NOT EXISTS 'booking_cancelled';

-- AlterTable
ALTER TABLE "tenants" ADD COLUMN IF NOT EXISTS "customer_notices" JSONB NOT NULL DEFAULT '{"bookingConfirmed": true, "bookingMoved": true, "bookingCancelled": true}';

-- AlterTable
ALTER TABLE "sms_messages" ADD COLUMN IF NOT EXISTS "dedup_key" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX IF NOT EXISTS "sms_messages_tenant_id_dedup_key_key" ON "sms_messages"("tenant_id", "dedup_key");
