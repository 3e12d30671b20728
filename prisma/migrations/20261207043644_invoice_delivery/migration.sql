-- AlterEnum
ALTER TYPE "EmailTemplateType" ADD VALUE 'invoice_sent';

-- AlterTable
ALTER TABLE "tenants" ADD COLUMN     "address" TEXT,
ADD COLUMN     "bank_account_no" TEXT,
ADD COLUMN     "bank_reg_no" TEXT,
ADD COLUMN     "cvr" TEXT,
ADD COLUMN     "fik_creditor_no" TEXT,
ADD COLUMN     "mobile_pay_number" TEXT;

-- AlterTable
ALTER TABLE "invoices" ADD COLUMN     "deliveries" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "send_requested_at" TIMESTAMPTZ(3);

-- AlterTable
ALTER TABLE "outbound_emails" ADD COLUMN     "attachments" JSONB;
