-- AlterTable
ALTER TABLE "tenants" ADD COLUMN     "conversation_days" INTEGER NOT NULL DEFAULT 7;

-- AlterTable
ALTER TABLE "customers" ADD COLUMN     "company_name" TEXT;

-- AlterTable
ALTER TABLE "leads" ADD COLUMN     "conversation_lead_id" UUID;

-- CreateIndex
CREATE INDEX "leads_tenant_id_conversation_lead_id_idx" ON "leads"("tenant_id", "conversation_lead_id");

-- AddForeignKey
ALTER TABLE "leads" ADD CONSTRAINT "leads_conversation_lead_id_tenant_id_fkey" FOREIGN KEY ("conversation_lead_id", "tenant_id") REFERENCES "leads"("id", "tenant_id") ON DELETE RESTRICT ON UPDATE RESTRICT;
