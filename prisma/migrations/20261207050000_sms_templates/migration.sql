-- CreateEnum
CREATE TYPE "SmsTemplateType" AS ENUM ('offer', 'offer_retry', 'offer_reminder', 'no_slots', 'booking_confirmation', 'booking_moved', 'booking_cancelled', 'booking_reminder', 'help', 'opt_out', 'opt_in');

-- CreateTable
CREATE TABLE "sms_templates" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "type" "SmsTemplateType" NOT NULL,
    "body" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "sms_templates_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "sms_templates_tenant_id_type_key" ON "sms_templates"("tenant_id", "type");

-- AddForeignKey
ALTER TABLE "sms_templates" ADD CONSTRAINT "sms_templates_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Row-level security, as on every tenant table (the policy in the form of 20261130100000_rls_policy_initplan):
-- a tenant's wording is its own.
ALTER TABLE "sms_templates" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "sms_templates" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "sms_templates"
  USING (tenant_id = (SELECT renos_current_tenant()) OR (SELECT renos_system_access()))
  WITH CHECK (tenant_id = (SELECT renos_current_tenant()) OR (SELECT renos_system_access()));
