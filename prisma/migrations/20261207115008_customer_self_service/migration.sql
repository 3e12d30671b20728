-- AlterEnum
-- This migration adds more than one value to an enum.
-- With PostgreSQL versions 11 and earlier, this is not possible
-- in a single migration. This can be worked around by creating
-- multiple migrations, each migration adding only one value to
-- the enum.


ALTER TYPE "EmailTemplateType" ADD VALUE 'booking_cancelled_by_customer';
ALTER TYPE "EmailTemplateType" ADD VALUE 'booking_moved_by_customer';

-- AlterEnum
-- This migration adds more than one value to an enum.
-- With PostgreSQL versions 11 and earlier, this is not possible
-- in a single migration. This can be worked around by creating
-- multiple migrations, each migration adding only one value to
-- the enum.


ALTER TYPE "SmsTemplateType" ADD VALUE 'booking_cancelled_by_customer';
ALTER TYPE "SmsTemplateType" ADD VALUE 'booking_moved_by_customer';
ALTER TYPE "SmsTemplateType" ADD VALUE 'reschedule_options';
ALTER TYPE "SmsTemplateType" ADD VALUE 'no_booking';

-- AlterEnum
ALTER TYPE "NotificationKind" ADD VALUE 'customer_changed_booking';

-- AlterTable
ALTER TABLE "tenants" ADD COLUMN     "free_cancellation_hours" INTEGER NOT NULL DEFAULT 24,
ADD COLUMN     "late_cancellation_fee_ore" INTEGER NOT NULL DEFAULT 0;
