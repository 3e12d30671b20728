-- CreateEnum
CREATE TYPE "NotificationKind" AS ENUM ('sms_reply_unreadable', 'lead_needs_attention', 'sms_failed', 'integration_needs_attention', 'offer_unanswered');

-- AlterEnum
ALTER TYPE "EmailTemplateType" ADD VALUE 'staff_notification';

-- AlterEnum
ALTER TYPE "SmsType" ADD VALUE 'offer_reminder';

-- AlterTable
ALTER TABLE "tenants" ADD COLUMN     "notification_email" CITEXT,
ADD COLUMN     "offer_reminder_minutes" INTEGER NOT NULL DEFAULT 240;

-- AlterTable
ALTER TABLE "slot_offers" ADD COLUMN     "reminded_at" TIMESTAMPTZ(3);

-- CreateTable
CREATE TABLE "notifications" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "kind" "NotificationKind" NOT NULL,
    "title" TEXT NOT NULL,
    "dedup_key" TEXT NOT NULL,
    "lead_id" UUID,
    "booking_id" UUID,
    "invoice_id" UUID,
    "read_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "notifications_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "notifications_tenant_id_created_at_idx" ON "notifications"("tenant_id", "created_at");

-- CreateIndex
CREATE INDEX "notifications_tenant_id_read_at_created_at_idx" ON "notifications"("tenant_id", "read_at", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "notifications_tenant_id_dedup_key_key" ON "notifications"("tenant_id", "dedup_key");

-- CreateIndex
CREATE UNIQUE INDEX "notifications_id_tenant_id_key" ON "notifications"("id", "tenant_id");

-- AddForeignKey
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_lead_id_tenant_id_fkey" FOREIGN KEY ("lead_id", "tenant_id") REFERENCES "leads"("id", "tenant_id") ON DELETE RESTRICT ON UPDATE RESTRICT;

-- AddForeignKey
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_booking_id_tenant_id_fkey" FOREIGN KEY ("booking_id", "tenant_id") REFERENCES "bookings"("id", "tenant_id") ON DELETE RESTRICT ON UPDATE RESTRICT;

-- AddForeignKey
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_invoice_id_tenant_id_fkey" FOREIGN KEY ("invoice_id", "tenant_id") REFERENCES "invoices"("id", "tenant_id") ON DELETE RESTRICT ON UPDATE RESTRICT;

-- Row-level security, as on every tenant table (the policy in the form of 20261130100000_rls_policy_initplan):
-- a notification names the tenant's customers and is the tenant's alone.
ALTER TABLE "notifications" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "notifications" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "notifications"
  USING (tenant_id = (SELECT renos_current_tenant()) OR (SELECT renos_system_access()))
  WITH CHECK (tenant_id = (SELECT renos_current_tenant()) OR (SELECT renos_system_access()));
