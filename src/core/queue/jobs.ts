/**
 * The one list of queues and jobs. A job name belongs to exactly one queue, its payload type sits here
 * beside it, and at start the worker checks that every name has exactly one handler. A new job is
 * added here together with its handler (docs/architecture.md, Jobs and the outbox).
 *
 * Payloads hold ids and small values, never secrets or whole records: the queue is in Redis, readable
 * by anyone with the queue dashboard, and a job must read the current state when it runs.
 */

export const QUEUE_NAMES = ['intake', 'email', 'sms', 'calendar', 'billing', 'maintenance'] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];

/** Jobs that act for one tenant carry it; the worker runs their handler in that tenant's context. */
export interface TenantJob {
  tenantId: string;
}

/** A booking change made by staff that the customer is told of (docs/architecture.md, step 7). */
/** `customer_*`: the customer did it themselves (booking link, AFLYS/FLYT), and is told so in those words. */
export type BookingNoticeKind = 'confirmed' | 'moved' | 'cancelled' | 'customer_moved' | 'customer_cancelled';

export interface JobPayloads {
  /** Daily: removes processed inbound events, relayed outbox rows and dead refresh tokens past retention. */
  'maintenance.prune': { retentionDays: number };
  /** Every 5 minutes: pending bookings past tokenExpiresAt expire, per tenant (fan-out over the system path). */
  'bookings.expire-pending': Record<string, never>;
  /** Sends one recorded OutboundEmail through the tenant's Gmail; at most once (see EmailSender). */
  'email.send': TenantJob & { outboundEmailId: string };
  /** Reads the mailbox's history from the stored cursor and writes an import job per new message. */
  'intake.sync-mailbox': TenantJob;
  /** Fetches one Gmail message and turns it into a lead, a reply and (when confident) an SMS offer. */
  'intake.import-message': TenantJob & { messageId: string };
  /** Every 10 minutes: a sync for every connected mailbox (pushes get lost, watches lapse). */
  'intake.sync-all-mailboxes': Record<string, never>;
  /** Daily: renews `users.watch` for every connected mailbox before its seven days run out. */
  'intake.renew-watches': Record<string, never>;
  /**
   * Makes the booking's team Google Calendar event match the booking: confirmed → inserted (id derived
   * from booking id and revision), moved → patched, cancelled/expired → deleted.
   */
  'calendar.sync-booking': TenantJob & { bookingId: string };
  /** Offers a lead three times by SMS (written by the intake when a lead is confident); once per open offer. */
  'sms.offer': TenantJob & { leadId: string };
  /** Sends one recorded outbound SmsMessage through Twilio, once. */
  'sms.send': TenantJob & { smsMessageId: string };
  /** Reads one inbound SMS (its InboundEvent): a choice books, a keyword opts out or in. */
  'sms.inbound': TenantJob & { inboundEventId: string };
  /** Applies one delivery callback (its InboundEvent) to its SmsMessage, never backwards. */
  'sms.status': TenantJob & { inboundEventId: string };
  /** Every 15 minutes: reminder texts and e-mails for bookings in the next 24 h, per tenant (fan-out). */
  'sms.reminders': Record<string, never>;
  /**
   * Tells the customer of one booking change by staff (confirmed, moved, cancelled) by SMS and e-mail,
   * once per change (`revision`: the booking's revision the change made). `smsOnly`: the e-mail went at
   * once and the text waited for the end of the quiet hours.
   */
  'sms.booking-notice': TenantJob & {
    bookingId: string;
    kind: BookingNoticeKind;
    revision: number;
    smsOnly?: boolean;
    /** A customer's late cancellation: the fee incl. VAT (kroner, "312.50") and the notice it missed. */
    fee?: { inclVat: string; hours: number } | null;
  };
  /**
   * Written with the offer for the tenant's reminder time (`availableAt`): the one reminder text of an
   * offer (its SmsMessage) nobody has answered, after quiet hours, never to an opted-out number.
   */
  'sms.offer-reminder': TenantJob & { smsMessageId: string };
  /** Written with the offer for when it lapses: still unanswered, the lead is flagged for a call. */
  'sms.offer-lapsed': TenantJob & { smsMessageId: string };
  /**
   * An integration's needsAttention flag went up (written by the credentials in that transaction):
   * the staff notification and its e-mail. `since` is when it went up, so each episode notifies once.
   */
  'notifications.integration-attention': TenantJob & { provider: string; since: string };
  /**
   * Puts an invoice into Billy (contact, product, invoice with our reference as externalId), approves it
   * there when it is approved here, and reads back Billy's number and totals. No-op without Billy.
   */
  'invoices.push-to-billy': TenantJob & { invoiceId: string };
  /**
   * Delivery n of an invoice to its customer: through Billy's invoice e-mail when Billy is configured,
   * else the PDF by the tenant's Gmail. Does nothing once n deliveries are accepted.
   */
  'invoices.send': TenantJob & { invoiceId: string; delivery: number };
  /** Every 15 minutes: unpaid invoices read back from Billy (isPaid, balance), per tenant (fan-out). */
  'invoices.poll-payments': Record<string, never>;
  /**
   * Every hour: each active recurring series gets its visits for the tenant's horizon (default 8
   * weeks), one per series and date however often it runs (fan-out per tenant).
   */
  'booking-series.materialise': Record<string, never>;
  /** On the 1st: last month's monthly invoices for customers whose series are invoiced monthly (fan-out). */
  'booking-series.monthly-invoices': Record<string, never>;
  /** Daily: unpaid invoices past due become overdue; reminders at 7 and 14 days, once each (fan-out). */
  'invoices.mark-overdue': Record<string, never>;
}

export type JobName = keyof JobPayloads;

export interface JobDefinition {
  queue: QueueName;
  /** Attempts before the job is failed for good (retries use exponential backoff). */
  attempts: number;
}

export const JOBS: { readonly [N in JobName]: JobDefinition } = {
  'maintenance.prune': { queue: 'maintenance', attempts: 3 },
  'bookings.expire-pending': { queue: 'maintenance', attempts: 3 },
  'email.send': { queue: 'email', attempts: 8 },
  'intake.sync-mailbox': { queue: 'intake', attempts: 8 },
  'intake.import-message': { queue: 'intake', attempts: 8 },
  'intake.sync-all-mailboxes': { queue: 'intake', attempts: 3 },
  'intake.renew-watches': { queue: 'intake', attempts: 5 },
  'calendar.sync-booking': { queue: 'calendar', attempts: 8 },
  'sms.offer': { queue: 'sms', attempts: 5 },
  'sms.send': { queue: 'sms', attempts: 6 },
  'sms.inbound': { queue: 'sms', attempts: 6 },
  'sms.status': { queue: 'sms', attempts: 6 },
  'sms.reminders': { queue: 'sms', attempts: 3 },
  'sms.booking-notice': { queue: 'sms', attempts: 6 },
  'sms.offer-reminder': { queue: 'sms', attempts: 5 },
  'sms.offer-lapsed': { queue: 'sms', attempts: 5 },
  'notifications.integration-attention': { queue: 'email', attempts: 5 },
  'invoices.push-to-billy': { queue: 'billing', attempts: 8 },
  'invoices.send': { queue: 'billing', attempts: 8 },
  'invoices.poll-payments': { queue: 'billing', attempts: 3 },
  'invoices.mark-overdue': { queue: 'billing', attempts: 3 },
  'booking-series.materialise': { queue: 'maintenance', attempts: 3 },
  'booking-series.monthly-invoices': { queue: 'billing', attempts: 3 },
};

export function isJobName(name: string): name is JobName {
  return Object.hasOwn(JOBS, name);
}

/**
 * Names jobs had before each job was named after the folder that handles it. A job already in Redis
 * under an old name (waiting, delayed, or failed and due a retry when the new version starts) runs
 * under its new name; the outbox rows were renamed by migration. Remove an entry once no deployment
 * can still hold such a job (they live at most as long as their longest retry backoff).
 */
export const RENAMED_JOBS: Readonly<Record<string, JobName>> = {
  'gmail.sync': 'intake.sync-mailbox',
  'gmail.import': 'intake.import-message',
  'gmail.sync-all': 'intake.sync-all-mailboxes',
  'gmail.renew-watch': 'intake.renew-watches',
  'billing.push-invoice': 'invoices.push-to-billy',
  'billing.poll-payments': 'invoices.poll-payments',
  'billing.mark-overdue': 'invoices.mark-overdue',
};

/** The current name of a job as BullMQ hands it over: its own, or the one it was renamed to. */
export function currentJobName(name: string): string {
  return Object.hasOwn(RENAMED_JOBS, name) ? RENAMED_JOBS[name] : name;
}

export function isQueueName(name: string): name is QueueName {
  return (QUEUE_NAMES as readonly string[]).includes(name);
}

/** Recurring jobs: BullMQ job schedulers, upserted at start (idempotent across instances). */
export const SCHEDULES: ReadonlyArray<{
  id: string;
  job: JobName;
  pattern: string;
  data: JobPayloads[JobName];
}> = [
  {
    id: 'maintenance-prune-daily',
    job: 'maintenance.prune',
    pattern: '30 3 * * *',
    data: { retentionDays: 30 },
  },
  {
    id: 'bookings-expire-pending',
    job: 'bookings.expire-pending',
    pattern: '*/5 * * * *',
    data: {},
  },
  {
    id: 'intake-sync-all-mailboxes',
    job: 'intake.sync-all-mailboxes',
    pattern: '*/10 * * * *',
    data: {},
  },
  { id: 'intake-renew-watches', job: 'intake.renew-watches', pattern: '15 4 * * *', data: {} },
  { id: 'sms-reminders', job: 'sms.reminders', pattern: '*/15 * * * *', data: {} },
  {
    id: 'invoices-poll-payments',
    job: 'invoices.poll-payments',
    pattern: '*/15 * * * *',
    data: {},
  },
  {
    id: 'invoices-mark-overdue-daily',
    job: 'invoices.mark-overdue',
    pattern: '0 7 * * *',
    data: {},
  },
  { id: 'booking-series-materialise', job: 'booking-series.materialise', pattern: '20 * * * *', data: {} },
  {
    id: 'booking-series-monthly-invoices',
    job: 'booking-series.monthly-invoices',
    pattern: '0 6 1 * *',
    data: {},
  },
];

/**
 * Schedulers that no longer exist under their id (renamed with their jobs): removed at start, with the
 * next run each had already planned, so the old and the new one do not both fire.
 */
export const RETIRED_SCHEDULES: ReadonlyArray<{ id: string; queue: QueueName }> = [
  { id: 'gmail-sync-all', queue: 'intake' },
  { id: 'gmail-renew-watch', queue: 'intake' },
  { id: 'billing-poll-payments', queue: 'billing' },
  { id: 'billing-mark-overdue-daily', queue: 'billing' },
];

/** Schedules run on Copenhagen's clock (docs/architecture.md, Jobs and the outbox). */
export const SCHEDULE_TIMEZONE = 'Europe/Copenhagen';
