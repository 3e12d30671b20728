import { Module } from '@nestjs/common';

import { ActivitiesModule } from '../activities/activities.module.js';
import { EmailModule } from '../email/email.module.js';
import { BillyModule } from '../integrations/billy/billy.module.js';
import { CredentialsModule } from '../integrations/credentials/credentials.module.js';
import { LeadsModule } from '../leads/leads.module.js';
import { NotificationsModule } from '../notifications/notifications.module.js';
import { BillingService } from './billing.service.js';
import { BillySyncService } from './billy-sync.service.js';
import { InvoiceDeliveryService } from './invoice-delivery.service.js';
import { InvoiceRemindersService } from './invoice-reminders.service.js';
import { InvoicesController } from './invoices.controller.js';
import { InvoicesRepository } from './invoices.repository.js';
import { InvoicesService } from './invoices.service.js';
import { MarkOverdueProcessor } from './jobs/mark-overdue.processor.js';
import { PollPaymentsProcessor } from './jobs/poll-payments.processor.js';
import { PushInvoiceProcessor } from './jobs/push-invoice.processor.js';
import { SendInvoiceProcessor } from './jobs/send-invoice.processor.js';

/**
 * Invoices (docs/architecture.md, Data model and step 8): drafts from completed bookings, the gapless
 * numbering, credit notes, payments, and Billy's side in jobs. Reads bookings through its own repository, so
 * bookings can create the draft in the completing transaction without a cycle between the modules.
 */
@Module({
  imports: [ActivitiesModule, LeadsModule, CredentialsModule, BillyModule, EmailModule, NotificationsModule],
  controllers: [InvoicesController],
  providers: [
    InvoicesRepository,
    InvoicesService,
    BillySyncService,
    BillingService,
    InvoiceRemindersService,
    InvoiceDeliveryService,
    PushInvoiceProcessor,
    SendInvoiceProcessor,
    PollPaymentsProcessor,
    MarkOverdueProcessor,
  ],
  exports: [InvoicesService],
})
export class InvoicesModule {}
