-- CreateEnum
CREATE TYPE "SeriesFrequency" AS ENUM ('weekly', 'monthly');

-- CreateEnum
CREATE TYPE "SeriesStatus" AS ENUM ('active', 'paused', 'ended');

-- CreateEnum
CREATE TYPE "SeriesInvoicing" AS ENUM ('per_visit', 'monthly');

-- AlterEnum
ALTER TYPE "NotificationKind" ADD VALUE 'series_visit_moved';

-- AlterTable
ALTER TABLE "tenants" ADD COLUMN     "series_rules" JSONB NOT NULL DEFAULT '{"horizonWeeks": 8, "onConflict": "next_working_day", "invoicing": "per_visit"}';

-- AlterTable
ALTER TABLE "bookings" ADD COLUMN     "occurs_on" DATE,
ADD COLUMN     "series_id" UUID;

-- AlterTable
ALTER TABLE "invoices" ADD COLUMN     "billing_month" TEXT;

-- AlterTable
ALTER TABLE "invoice_lines" ADD COLUMN     "booking_id" UUID;

-- CreateTable
CREATE TABLE "booking_series" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "lead_id" UUID NOT NULL,
    "customer_id" UUID,
    "team_id" UUID,
    "starts_on" DATE NOT NULL,
    "start_time" TEXT NOT NULL,
    "duration_hours" DECIMAL(5,2) NOT NULL,
    "frequency" "SeriesFrequency" NOT NULL,
    "interval" INTEGER NOT NULL,
    "weekdays" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "week_of_month" INTEGER,
    "ends_on" DATE,
    "fixed_price" DECIMAL(12,2),
    "hourly_rate" DECIMAL(12,2) NOT NULL,
    "invoicing" "SeriesInvoicing",
    "status" "SeriesStatus" NOT NULL DEFAULT 'active',
    "paused_from" DATE,
    "paused_until" DATE,
    "notes" TEXT,
    "ended_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "deleted_at" TIMESTAMPTZ(3),

    CONSTRAINT "booking_series_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "booking_series_tenant_id_status_idx" ON "booking_series"("tenant_id", "status");

-- CreateIndex
CREATE INDEX "booking_series_tenant_id_customer_id_idx" ON "booking_series"("tenant_id", "customer_id");

-- CreateIndex
CREATE UNIQUE INDEX "booking_series_id_tenant_id_key" ON "booking_series"("id", "tenant_id");

-- CreateIndex
CREATE INDEX "bookings_tenant_id_series_id_starts_at_idx" ON "bookings"("tenant_id", "series_id", "starts_at");

-- CreateIndex
CREATE UNIQUE INDEX "bookings_series_id_occurs_on_key" ON "bookings"("series_id", "occurs_on");

-- CreateIndex
CREATE UNIQUE INDEX "invoices_tenant_id_customer_id_billing_month_key" ON "invoices"("tenant_id", "customer_id", "billing_month");

-- CreateIndex
CREATE UNIQUE INDEX "invoice_lines_booking_id_key" ON "invoice_lines"("booking_id");

-- AddForeignKey
ALTER TABLE "bookings" ADD CONSTRAINT "bookings_series_id_tenant_id_fkey" FOREIGN KEY ("series_id", "tenant_id") REFERENCES "booking_series"("id", "tenant_id") ON DELETE RESTRICT ON UPDATE RESTRICT;

-- AddForeignKey
ALTER TABLE "booking_series" ADD CONSTRAINT "booking_series_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "booking_series" ADD CONSTRAINT "booking_series_lead_id_tenant_id_fkey" FOREIGN KEY ("lead_id", "tenant_id") REFERENCES "leads"("id", "tenant_id") ON DELETE RESTRICT ON UPDATE RESTRICT;

-- AddForeignKey
ALTER TABLE "booking_series" ADD CONSTRAINT "booking_series_customer_id_tenant_id_fkey" FOREIGN KEY ("customer_id", "tenant_id") REFERENCES "customers"("id", "tenant_id") ON DELETE RESTRICT ON UPDATE RESTRICT;

-- AddForeignKey
ALTER TABLE "booking_series" ADD CONSTRAINT "booking_series_team_id_tenant_id_fkey" FOREIGN KEY ("team_id", "tenant_id") REFERENCES "teams"("id", "tenant_id") ON DELETE RESTRICT ON UPDATE RESTRICT;

-- AddForeignKey
ALTER TABLE "invoice_lines" ADD CONSTRAINT "invoice_lines_booking_id_tenant_id_fkey" FOREIGN KEY ("booking_id", "tenant_id") REFERENCES "bookings"("id", "tenant_id") ON DELETE RESTRICT ON UPDATE RESTRICT;

-- Row-level security, as on every tenant table (the policy in the form of 20261130100000_rls_policy_initplan):
-- a series names the tenant's customers and is the tenant's alone.
ALTER TABLE "booking_series" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "booking_series" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "booking_series"
  USING (tenant_id = (SELECT renos_current_tenant()) OR (SELECT renos_system_access()))
  WITH CHECK (tenant_id = (SELECT renos_current_tenant()) OR (SELECT renos_system_access()));
