import { Module } from '@nestjs/common';

import { ActivitiesModule } from '../activities/activities.module.js';
import { BookingsModule } from '../bookings/bookings.module.js';
import { CalendarModule } from '../calendar/calendar.module.js';
import { EmailModule } from '../email/email.module.js';
import { CredentialsModule } from '../integrations/credentials/credentials.module.js';
import { TwilioModule } from '../integrations/twilio/twilio.module.js';
import { LeadsModule } from '../leads/leads.module.js';
import { NotificationsModule } from '../notifications/notifications.module.js';
import { SelfServiceModule } from '../self-service/self-service.module.js';
import { TenantsModule } from '../tenants/tenants.module.js';
import { BookingNoticeService } from './booking-notice.service.js';
import { BookingNoticeProcessor } from './jobs/booking-notice.processor.js';
import { InboundSmsProcessor } from './jobs/inbound-sms.processor.js';
import { OfferLapsedProcessor, OfferReminderProcessor } from './jobs/offer-follow-up.processor.js';
import { SendOfferProcessor } from './jobs/send-offer.processor.js';
import { SendSmsProcessor } from './jobs/send-sms.processor.js';
import { SmsRemindersProcessor } from './jobs/sms-reminders.processor.js';
import { SmsStatusProcessor } from './jobs/sms-status.processor.js';
import { SmsOfferFollowUp } from './sms-offer-follow-up.service.js';
import { SmsOfferService } from './sms-offer.service.js';
import { SmsReminderService } from './sms-reminder.service.js';
import { SmsReplyService } from './sms-reply.service.js';
import { SmsController } from './sms.controller.js';
import { SmsRepository } from './sms.repository.js';
import { SmsService } from './sms.service.js';
import { TwilioWebhookService } from './twilio-webhook.service.js';
import { TwilioRoutes } from './twilio-routes.js';
import { TwilioWebhooksController } from './twilio-webhooks.controller.js';

/**
 * SMS booking (docs/architecture.md, steps 3, 4 and 7): the offer of three times, the customer's reply
 * (booking, opt-out, help), the unanswered offer's reminder and lapse, delivery callbacks, reminders,
 * the customer's notice of a booking change by staff (`sms.booking-notice`), and GET/POST /sms. On top
 * of the feature modules: it books through BookingsService, asks CalendarModule for slots, e-mails
 * through EmailModule and tells staff through NotificationsModule (an unreadable reply, a failed text,
 * a lead to call); nothing below imports it (the intake asks for an offer with the `sms.offer` job).
 */
@Module({
  imports: [
    ActivitiesModule,
    BookingsModule,
    CalendarModule,
    CredentialsModule,
    EmailModule,
    LeadsModule,
    NotificationsModule,
    SelfServiceModule,
    TenantsModule,
    TwilioModule,
  ],
  controllers: [SmsController, TwilioWebhooksController],
  providers: [
    SmsRepository,
    SmsService,
    SmsOfferService,
    SmsOfferFollowUp,
    SmsReplyService,
    SmsReminderService,
    BookingNoticeService,
    TwilioWebhookService,
    TwilioRoutes,
    SendOfferProcessor,
    SendSmsProcessor,
    InboundSmsProcessor,
    SmsStatusProcessor,
    SmsRemindersProcessor,
    BookingNoticeProcessor,
    OfferReminderProcessor,
    OfferLapsedProcessor,
  ],
  exports: [SmsService, SmsOfferService],
})
export class SmsModule {}
