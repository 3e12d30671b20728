-- AlterEnum
ALTER TYPE "NotificationKind" ADD VALUE 'invoice_not_delivered';
