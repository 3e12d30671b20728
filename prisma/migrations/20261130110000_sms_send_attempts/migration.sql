-- AlterTable
ALTER TABLE "sms_messages" ADD COLUMN     "send_attempts" INTEGER NOT NULL DEFAULT 0;
