-- AlterEnum
-- This migration adds more than one value to an enum.
-- With PostgreSQL versions 11 and earlier, this is not possible
-- in a single migration. This can be worked around by creating
-- multiple migrations, each migration adding only one value to
-- the enum.


ALTER TYPE "EmailTemplateType" ADD VALUE 'booking_moved';
ALTER TYPE "EmailTemplateType" ADD VALUE 'booking_cancelled';

-- AlterTable
ALTER TABLE "tenants" ADD COLUMN     "customer_notices" JSONB NOT NULL DEFAULT '{"bookingConfirmed": true, "bookingMoved": true, "bookingCancelled": true}';

-- AlterTable
ALTER TABLE "sms_messages" ADD COLUMN     "dedup_key" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "sms_messages_tenant_id_dedup_key_key" ON "sms_messages"("tenant_id", "dedup_key");
