-- AlterTable
ALTER TABLE "outbound_emails" ADD COLUMN     "attempts" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "body" TEXT NOT NULL,
ADD COLUMN     "in_reply_to" TEXT,
ADD COLUMN     "lead_id" UUID,
ADD COLUMN     "reply_thread_id" TEXT;
