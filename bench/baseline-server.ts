// The benchmark's floor: a plain node:http + pg server that answers the read and write routes of the
// API and the Twilio SMS webhook with the same SQL (tenant filter included) and the same JSON, without
// Nest, Prisma, authentication or row-level security (it connects as the owner). Writes that relay a
// job do what the app's outbox does: the row in the transaction, then (not awaited) a BullMQ add under
// its own prefix, which no worker consumes, and the row marked enqueued. `npm run bench` starts it as a
// child process: BASELINE_DATABASE_URL, BASELINE_POOL_SIZE, REDIS_URL, BASELINE_CACHE_PREFIX,
// BASELINE_TWILIO_AUTH_TOKEN, PORT; the tenant comes in the `x-tenant` header (the webhook finds it by
// its number, as the app does). It prints `{"port":…}` once it listens.
import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import pg from 'pg';
import twilio from 'twilio';

import { startOfIsoWeek } from '../src/core/time/tenant-time.js';
import { phoneDigits } from '../src/customers/customers.repository.js';

const LIVE = ['pending', 'confirmed', 'in_progress'];
const LEAD_STATUSES = ['new', 'contacted', 'booked', 'completed', 'invoiced', 'lost'];
const LEAD_SOURCES = ['leadpoint', 'leadmail', 'booking_form', 'email', 'manual'];
const SORT_COLUMNS: Record<string, string> = {
  createdAt: 'created_at',
  updatedAt: 'updated_at',
  customerName: 'customer_name',
  estimatedPrice: 'estimated_price',
  status: 'status',
};
const USER_MOVES: Record<string, string[]> = {
  new: ['contacted', 'lost'],
  contacted: ['booked', 'lost'],
  booked: ['completed', 'lost'],
  completed: ['invoiced', 'lost'],
  invoiced: [],
  lost: ['new'],
};

const pool = new pg.Pool({
  connectionString: process.env.BASELINE_DATABASE_URL,
  max: Number(process.env.BASELINE_POOL_SIZE ?? 10),
});
const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { lazyConnect: false });
const cachePrefix = process.env.BASELINE_CACHE_PREFIX ?? 'renos';
const twilioAuthToken = process.env.BASELINE_TWILIO_AUTH_TOKEN ?? '';
const queues = new Map<string, Queue>();
const queueOf = (name: string) => {
  let queue = queues.get(name);
  if (!queue) {
    queue = new Queue(name, { connection: redis, prefix: `${cachePrefix}-queue` });
    queues.set(name, queue);
  }
  return queue;
};

/** What the app's outbox relay does after commit: enqueue by row id, then mark the row enqueued. */
function relay(queue: string, name: string, id: string, payload: Row): void {
  void queueOf(queue)
    .add(name, payload, { jobId: id, removeOnComplete: true })
    .then(() =>
      pool.query(
        `UPDATE outbox_jobs SET status = 'enqueued', enqueued_at = now(), attempts = attempts + 1 WHERE id = $1`,
        [id],
      ),
    )
    .catch((error: unknown) => console.error(error));
}

type Row = Record<string, unknown>;

const iso = (value: unknown): string | null => (value instanceof Date ? value.toISOString() : null);
const money = (value: unknown): string | null => (value === null ? null : Number(value).toFixed(2));
const hours = (value: unknown): string | null => (value === null ? null : String(Number(value)));

function leadDto(row: Row, bookingDate: unknown): Row {
  return {
    id: row.id,
    customerId: row.customer_id,
    customerName: row.customer_name,
    customerEmail: row.customer_email,
    customerPhone: row.customer_phone,
    source: row.source,
    serviceType: row.service_type,
    address: row.address,
    city: row.city,
    postalCode: row.postal_code,
    estimatedHours: hours(row.estimated_hours),
    estimatedPrice: money(row.estimated_price),
    status: row.status,
    priority: row.priority,
    notes: row.notes,
    bookingDate: iso(bookingDate),
    assignedUserId: row.assigned_user_id,
    needsAttention: row.needs_attention,
    needsAttentionReason: row.needs_attention_reason,
    extraction: row.extraction,
    responseSentAt: iso(row.response_sent_at),
    smsSentAt: iso(row.sms_sent_at),
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

/** The columns `leadDto` reads, as the app selects them: the source mail and search column stay behind. */
const LEAD_COLUMNS = [
  'id',
  'customer_id',
  'customer_name',
  'customer_email',
  'customer_phone',
  'source',
  'service_type',
  'address',
  'city',
  'postal_code',
  'estimated_hours',
  'estimated_price',
  'status',
  'priority',
  'notes',
  'assigned_user_id',
  'needs_attention',
  'needs_attention_reason',
  'extraction',
  'response_sent_at',
  'sms_sent_at',
  'created_at',
  'updated_at',
]
  .map((column) => `l.${column}`)
  .join(', ');

const NEXT_BOOKING = `LEFT JOIN LATERAL (
    SELECT b.starts_at FROM bookings b
     WHERE b.tenant_id = l.tenant_id AND b.lead_id = l.id AND b.deleted_at IS NULL AND b.status::text = ANY($2)
     ORDER BY b.starts_at, b.id LIMIT 1) nb ON true`;

async function listLeads(tenantId: string, query: URLSearchParams): Promise<Row> {
  const page = Number(query.get('page') ?? 1);
  const pageSize = Number(query.get('pageSize') ?? 20);
  const where = ['l.tenant_id = $1', 'l.deleted_at IS NULL'];
  const params: unknown[] = [tenantId];
  for (const [name, type] of [
    ['status', 'LeadStatus'],
    ['source', 'LeadSource'],
    ['priority', 'Priority'],
  ] as const) {
    const value = query.get(name);
    if (value) {
      params.push(value);
      where.push(`l.${name} = $${params.length + 1}::"${type}"`);
    }
  }
  const search = query.get('search')?.trim();
  if (search) {
    params.push(`%${phoneDigits(search) ?? search.toLowerCase()}%`);
    where.push(`l.search_text LIKE $${params.length + 1}`);
  }
  const [field = 'createdAt', direction = 'desc'] = (query.get('sort') ?? 'createdAt:desc').split(':');
  const column = SORT_COLUMNS[field] ?? 'created_at';
  const dir = direction === 'asc' ? 'ASC' : 'DESC';
  // $2 is the live statuses in the page query; the count query shifts its parameters by one.
  const pageSql = `SELECT ${LEAD_COLUMNS}, nb.starts_at AS next_booking FROM leads l ${NEXT_BOOKING}
    WHERE ${where.join(' AND ')} ORDER BY l.${column} ${dir}, l.id ${dir}
    LIMIT ${pageSize} OFFSET ${(page - 1) * pageSize}`;
  const countSql = `SELECT count(*)::int AS total FROM leads l WHERE ${where
    .join(' AND ')
    .replace(/\$(\d+)/g, (_m, n: string) => (n === '1' ? '$1' : `$${Number(n) - 1}`))}`;
  const [rows, count] = await Promise.all([
    pool.query<Row>(pageSql, [params[0], LIVE, ...params.slice(1)]),
    pool.query<{ total: number }>(countSql, params),
  ]);
  const total = count.rows[0]!.total;
  return {
    data: rows.rows.map((row) => leadDto(row, row.next_booking)),
    meta: { total, page, pageSize, totalPages: Math.ceil(total / pageSize) },
  };
}

async function leadDetail(tenantId: string, leadId: string): Promise<Row | null> {
  const [lead, bookings, activities, count] = await Promise.all([
    pool.query<Row>(
      `SELECT ${LEAD_COLUMNS}, row_to_json(c.*) AS customer FROM leads l
         LEFT JOIN customers c ON c.id = l.customer_id AND c.tenant_id = l.tenant_id
        WHERE l.tenant_id = $1 AND l.id = $2 AND l.deleted_at IS NULL`,
      [tenantId, leadId],
    ),
    pool.query<Row>(
      `SELECT id, starts_at, ends_at, status, team_id FROM bookings
        WHERE tenant_id = $1 AND lead_id = $2 AND deleted_at IS NULL ORDER BY starts_at, id`,
      [tenantId, leadId],
    ),
    pool.query<Row>(
      `SELECT a.*, u.name AS actor_name FROM activities a LEFT JOIN users u ON u.id = a.actor_user_id
        WHERE a.tenant_id = $1 AND a.lead_id = $2 ORDER BY a.created_at DESC, a.id DESC LIMIT 20`,
      [tenantId, leadId],
    ),
    pool.query<{ total: number }>(
      `SELECT count(*)::int AS total FROM activities WHERE tenant_id = $1 AND lead_id = $2`,
      [tenantId, leadId],
    ),
  ]);
  const row = lead.rows[0];
  if (!row) return null;
  void count;
  const nextLive = bookings.rows.find((booking) => LIVE.includes(String(booking.status)));
  const customer = row.customer as Row | null;
  return {
    ...leadDto(row, nextLive?.starts_at ?? null),
    customer: customer
      ? {
          id: customer.id,
          name: customer.name,
          email: customer.email,
          phone: customer.phone,
          address: customer.address,
          postalCode: customer.postal_code,
          city: customer.city,
          kind: customer.kind,
          cvr: customer.cvr,
          createdAt: new Date(String(customer.created_at)).toISOString(),
          updatedAt: new Date(String(customer.updated_at)).toISOString(),
        }
      : null,
    bookings: bookings.rows.map((booking) => ({
      id: booking.id,
      startsAt: iso(booking.starts_at),
      endsAt: iso(booking.ends_at),
      status: booking.status,
      teamId: booking.team_id,
    })),
    activities: activities.rows.map((a) => ({
      id: a.id,
      type: a.type,
      title: a.title,
      description: a.description,
      status: a.status,
      customerId: a.customer_id,
      leadId: a.lead_id,
      bookingId: a.booking_id,
      invoiceId: a.invoice_id,
      actor: a.actor_user_id ? { id: a.actor_user_id, name: a.actor_name } : null,
      metadata: a.metadata,
      createdAt: iso(a.created_at),
    })),
  };
}

/** The same three statements as StatsRepository.figures, in one transaction. */
async function computeStats(tenantId: string): Promise<Row> {
  const client = await pool.connect();
  try {
    const now = new Date();
    await client.query('BEGIN');
    const tenant = await client.query<{ timezone: string }>('SELECT timezone FROM tenants WHERE id = $1', [
      tenantId,
    ]);
    const weekStart = startOfIsoWeek(now, tenant.rows[0]?.timezone ?? 'Europe/Copenhagen');
    const groups = await client.query<{
      status: string;
      source: string;
      n: number;
      booked: number;
      week: number;
    }>(
      `SELECT status::text AS status, source::text AS source, count(*)::int AS n,
              (count(*) FILTER (WHERE first_booked_at IS NOT NULL))::int AS booked,
              (count(*) FILTER (WHERE created_at >= $2))::int AS week
         FROM leads WHERE tenant_id = $1 AND deleted_at IS NULL GROUP BY status, source`,
      [tenantId, weekStart],
    );
    const rest = await client.query<Row>(
      `SELECT bk.upcoming, bk.completed, bk.expired, bk.booked, inv.invoiced, inv.paid, inv.outstanding,
              (SELECT count(*)::int FROM sms_messages s WHERE s.tenant_id = $1 AND s.status IN ('failed', 'undelivered')) AS sms
         FROM (SELECT (count(*) FILTER (WHERE b.status IN ('pending', 'confirmed', 'in_progress') AND b.starts_at > $2))::int AS upcoming,
                      (count(*) FILTER (WHERE b.status = 'completed'))::int AS completed,
                      (count(*) FILTER (WHERE b.status = 'expired'))::int AS expired,
                      sum(b.total_amount) FILTER (WHERE b.status IN ('confirmed', 'in_progress', 'completed')) AS booked
                 FROM bookings b WHERE b.tenant_id = $1 AND b.deleted_at IS NULL) bk,
              (SELECT sum(i.total) FILTER (WHERE i.status IN ('approved', 'sent', 'paid', 'overdue')) AS invoiced,
                      sum(i.total) FILTER (WHERE i.status = 'paid') AS paid,
                      sum(i.total) FILTER (WHERE i.status IN ('approved', 'sent', 'overdue')) AS outstanding
                 FROM invoices i WHERE i.tenant_id = $1 AND i.kind = 'invoice') inv`,
      [tenantId, now],
    );
    await client.query('COMMIT');
    const r = rest.rows[0]!;
    const sum = (pick: (row: (typeof groups.rows)[number]) => number) =>
      groups.rows.reduce((total, row) => total + pick(row), 0);
    const totalLeads = sum((row) => row.n);
    return {
      totalLeads,
      upcoming: r.upcoming,
      completed: r.completed,
      expired: r.expired,
      byStatus: Object.fromEntries(
        LEAD_STATUSES.map((s) => [s, groups.rows.filter((g) => g.status === s).reduce((t, g) => t + g.n, 0)]),
      ),
      bySource: Object.fromEntries(
        LEAD_SOURCES.map((s) => [s, groups.rows.filter((g) => g.source === s).reduce((t, g) => t + g.n, 0)]),
      ),
      newThisWeek: sum((row) => row.week),
      conversionRate:
        totalLeads === 0 ? 0 : Math.round((sum((row) => row.booked) / totalLeads) * 10_000) / 10_000,
      bookedRevenue: money(r.booked ?? 0),
      invoicedRevenue: money(r.invoiced ?? 0),
      paidRevenue: money(r.paid ?? 0),
      outstanding: money(r.outstanding ?? 0),
      smsFailed: r.sms,
    };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** The same Redis round trips as the app's TenantCacheService: generation, entry, and a set on a miss. */
async function stats(tenantId: string, cached: boolean): Promise<Row> {
  if (!cached) return computeStats(tenantId);
  const generation = (await redis.get(`${cachePrefix}:cache:${tenantId}:generation`)) ?? '0';
  const key = `${cachePrefix}:cache:${tenantId}:${generation}:baseline-lead-stats`;
  const hit = await redis.get(key);
  if (hit) return JSON.parse(hit) as Row;
  const value = await computeStats(tenantId);
  await redis.set(key, JSON.stringify(value), 'EX', 300);
  return value;
}

async function createLead(tenantId: string, body: Row): Promise<Row> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const rate = await client.query<{ hourly_rate: string }>(
      'SELECT hourly_rate FROM tenants WHERE id = $1',
      [tenantId],
    );
    const phone = body.customerPhone ? `+45${String(body.customerPhone).replace(/\D/g, '')}` : null;
    const existing = await client.query<{ id: string }>(
      'SELECT id FROM customers WHERE tenant_id = $1 AND phone = $2 AND deleted_at IS NULL',
      [tenantId, phone],
    );
    let customerId = existing.rows[0]?.id;
    if (!customerId) {
      customerId = randomUUID();
      await client.query(
        `INSERT INTO customers (id, tenant_id, name, email, phone, address, postal_code, city, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, now())`,
        [
          customerId,
          tenantId,
          body.customerName,
          body.customerEmail ?? null,
          phone,
          body.address,
          body.postalCode,
          body.city,
        ],
      );
    }
    const hoursValue = Number(body.estimatedHours);
    const lead = await client.query<Row>(
      `INSERT INTO leads (id, tenant_id, customer_id, customer_name, customer_email, customer_phone, address, city,
                          postal_code, source, service_type, estimated_hours, estimated_price, priority, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'manual', $10, $11, $12, 'medium', now()) RETURNING *`,
      [
        randomUUID(),
        tenantId,
        customerId,
        body.customerName,
        body.customerEmail ?? null,
        phone,
        body.address,
        body.city,
        body.postalCode,
        body.serviceType,
        hoursValue,
        (hoursValue * Number(rate.rows[0]!.hourly_rate)).toFixed(2),
      ],
    );
    const row = lead.rows[0]!;
    await client.query(
      `INSERT INTO activities (id, tenant_id, type, title, description, status, customer_id, lead_id, metadata)
       VALUES ($1, $2, 'system', 'Nyt lead oprettet', $3, 'info', $4, $5, $6)`,
      [
        randomUUID(),
        tenantId,
        `${String(row.service_type)} - ${String(row.city)}`,
        customerId,
        row.id,
        { source: 'manual' },
      ],
    );
    await client.query('COMMIT');
    return leadDto(row, null);
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

async function changeStatus(tenantId: string, leadId: string, to: string): Promise<Row | 'conflict' | null> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const locked = await client.query<Row>(
      'SELECT * FROM leads WHERE id = $1 AND tenant_id = $2 AND deleted_at IS NULL FOR UPDATE',
      [leadId, tenantId],
    );
    const lead = locked.rows[0];
    if (!lead) {
      await client.query('ROLLBACK');
      return null;
    }
    if (!USER_MOVES[String(lead.status)]!.includes(to)) {
      await client.query('ROLLBACK');
      return 'conflict';
    }
    const updated = await client.query<Row>(
      `UPDATE leads SET status = $3::"LeadStatus", updated_at = now() WHERE id = $1 AND tenant_id = $2 RETURNING *`,
      [leadId, tenantId, to],
    );
    const next = await client.query<{ starts_at: Date }>(
      `SELECT starts_at FROM bookings WHERE tenant_id = $1 AND lead_id = $2 AND deleted_at IS NULL
          AND status::text = ANY($3) ORDER BY starts_at, id LIMIT 1`,
      [tenantId, leadId, LIVE],
    );
    await client.query(
      `INSERT INTO activities (id, tenant_id, type, title, description, status, customer_id, lead_id, metadata)
       VALUES ($1, $2, 'pending', 'Status opdateret', '', 'info', $3, $4, $5)`,
      [randomUUID(), tenantId, lead.customer_id, leadId, { from: lead.status, to }],
    );
    await client.query('COMMIT');
    const row = updated.rows[0]!;
    return leadDto(row, next.rows[0]?.starts_at ?? null);
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

const bookingDto = (row: Row): Row => ({
  id: row.id,
  leadId: row.lead_id,
  customerId: row.customer_id,
  teamId: row.team_id,
  assignedUserId: row.assigned_user_id,
  startsAt: iso(row.starts_at),
  endsAt: iso(row.ends_at),
  durationHours: hours(row.duration_hours),
  hourlyRate: money(row.hourly_rate),
  totalAmount: money(row.total_amount),
  status: row.status,
  revision: row.revision,
  googleCalendarEventId: row.google_calendar_event_id,
  tokenExpiresAt: iso(row.token_expires_at),
  hoursWorked: hours(row.hours_worked),
  notes: row.notes,
  confirmedAt: iso(row.confirmed_at),
  completedAt: iso(row.completed_at),
  cancelledAt: iso(row.cancelled_at),
  createdAt: iso(row.created_at),
  updatedAt: iso(row.updated_at),
});

/**
 * POST /bookings as staff: the lead, the tenant's rate, then in one transaction the first active team
 * free for the range, the confirmed booking, its activity, the lead booked (locked, moved, its activity)
 * and the calendar job; after commit the job relayed and the tenant's cache generation bumped.
 */
async function createBooking(tenantId: string, body: Row): Promise<Row | 'conflict' | null> {
  const lead = (
    await pool.query<Row>('SELECT * FROM leads WHERE id = $1 AND tenant_id = $2 AND deleted_at IS NULL', [
      body.leadId,
      tenantId,
    ])
  ).rows[0];
  if (!lead) return null;
  const tenant = (
    await pool.query<{ hourly_rate: string }>('SELECT hourly_rate FROM tenants WHERE id = $1', [tenantId])
  ).rows[0]!;
  const startsAt = new Date(String(body.startsAt));
  const durationHours = Number(body.durationHours ?? lead.estimated_hours);
  const endsAt = new Date(startsAt.getTime() + durationHours * 3600_000);
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const teams = await client.query<{ id: string }>(
      'SELECT id FROM teams WHERE tenant_id = $1 AND active ORDER BY name, id',
      [tenantId],
    );
    let teamId: string | undefined;
    for (const team of teams.rows) {
      const overlap = await client.query(
        `SELECT id FROM bookings WHERE tenant_id = $1 AND team_id = $2 AND deleted_at IS NULL
            AND status::text = ANY($3) AND starts_at < $5 AND ends_at > $4 ORDER BY starts_at, id LIMIT 1`,
        [tenantId, team.id, LIVE, startsAt, endsAt],
      );
      if (overlap.rows.length === 0) {
        teamId = team.id;
        break;
      }
    }
    if (!teamId) {
      await client.query('ROLLBACK');
      return 'conflict';
    }
    const booking = (
      await client.query<Row>(
        `INSERT INTO bookings (id, tenant_id, lead_id, customer_id, team_id, starts_at, ends_at, duration_hours,
                               hourly_rate, total_amount, status, meeting_token, confirmed_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'confirmed', $11, now(), now()) RETURNING *`,
        [
          randomUUID(),
          tenantId,
          lead.id,
          lead.customer_id,
          teamId,
          startsAt,
          endsAt,
          durationHours,
          tenant.hourly_rate,
          (durationHours * Number(tenant.hourly_rate)).toFixed(2),
          randomBytes(32).toString('base64url'),
        ],
      )
    ).rows[0]!;
    await client.query(
      `INSERT INTO activities (id, tenant_id, type, title, description, status, customer_id, lead_id, booking_id, metadata)
       VALUES ($1, $2, 'booking', 'Booking oprettet', $3, 'success', $4, $5, $6, $7)`,
      [
        randomUUID(),
        tenantId,
        `Booket og bekræftet: ${startsAt.toISOString()}`,
        lead.customer_id,
        lead.id,
        booking.id,
        { teamId, status: 'confirmed' },
      ],
    );
    const locked = (
      await client.query<Row>('SELECT * FROM leads WHERE id = $1 AND tenant_id = $2 FOR UPDATE', [
        lead.id,
        tenantId,
      ])
    ).rows[0]!;
    if (locked.status === 'new' || locked.status === 'contacted') {
      await client.query(
        `UPDATE leads SET status = 'booked', first_booked_at = coalesce(first_booked_at, now()), updated_at = now()
          WHERE id = $1 AND tenant_id = $2`,
        [lead.id, tenantId],
      );
      await client.query(
        `INSERT INTO activities (id, tenant_id, type, title, description, status, customer_id, lead_id, metadata)
         VALUES ($1, $2, 'system', 'Status opdateret', '', 'info', $3, $4, $5)`,
        [randomUUID(), tenantId, lead.customer_id, lead.id, { from: locked.status, to: 'booked' }],
      );
    }
    const payload = { tenantId, bookingId: booking.id };
    const job = (
      await client.query<{ id: string }>(
        `INSERT INTO outbox_jobs (id, tenant_id, queue, job_name, payload) VALUES ($1, $2, 'calendar', 'calendar.sync-booking', $3) RETURNING id`,
        [randomUUID(), tenantId, payload],
      )
    ).rows[0]!;
    await client.query('COMMIT');
    relay('calendar', 'calendar.sync-booking', job.id, payload);
    await redis.incr(`${cachePrefix}:cache:${tenantId}:generation`);
    return bookingDto(booking);
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    if ((error as { code?: string }).code === '23P01') return 'conflict';
    throw error;
  } finally {
    client.release();
  }
}

/**
 * POST /webhooks/twilio/sms: the tenant by our number, the signature over the URL, the InboundEvent
 * (deduplicated on MessageSid) and its sms.inbound job in one transaction, then the relay. Empty TwiML.
 */
async function twilioInbound(url: string, signature: string | undefined, body: string): Promise<number> {
  const params = Object.fromEntries(new URLSearchParams(body)) as Record<string, string>;
  const sid = params.MessageSid ?? params.SmsSid;
  if (!signature || !params.To || !sid) return 403;
  const tenant = (
    await pool.query<{ id: string; active: boolean }>(
      'SELECT id, active FROM tenants WHERE sms_number = $1 AND deleted_at IS NULL LIMIT 1',
      [params.To],
    )
  ).rows[0];
  if (!tenant?.active) return 403;
  const expected = Buffer.from(twilio.getExpectedTwilioSignature(twilioAuthToken, url, params));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return 403;
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const event = await client.query<{ id: string }>(
      `INSERT INTO inbound_events (id, tenant_id, provider, dedup_key, payload) VALUES ($1, $2, 'twilio_sms', $3, $4)
       ON CONFLICT DO NOTHING RETURNING id`,
      [randomUUID(), tenant.id, sid, params],
    );
    const eventId = event.rows[0]?.id;
    let jobId: string | undefined;
    const payload = { tenantId: tenant.id, inboundEventId: eventId };
    if (eventId) {
      jobId = (
        await client.query<{ id: string }>(
          `INSERT INTO outbox_jobs (id, tenant_id, queue, job_name, payload) VALUES ($1, $2, 'sms', 'sms.inbound', $3) RETURNING id`,
          [randomUUID(), tenant.id, payload],
        )
      ).rows[0]!.id;
    }
    await client.query('COMMIT');
    if (jobId) relay('sms', 'sms.inbound', jobId, payload);
    return 200;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

function readText(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function readBody(request: IncomingMessage): Promise<Row> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      try {
        resolve(chunks.length > 0 ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Row) : {});
      } catch (error) {
        reject(error as Error);
      }
    });
    request.on('error', reject);
  });
}

function send(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}

async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://baseline');
  const tenantId = String(request.headers['x-tenant'] ?? '');
  const path = url.pathname.replace(/^\/api/, '');
  let match: RegExpExecArray | null;
  if (request.method === 'GET' && path === '/leads')
    return send(response, 200, await listLeads(tenantId, url.searchParams));
  if (request.method === 'GET' && path === '/leads/stats')
    return send(response, 200, await stats(tenantId, url.searchParams.get('cached') !== '0'));
  if (request.method === 'GET' && (match = /^\/leads\/([0-9a-f-]{36})$/.exec(path))) {
    const detail = await leadDetail(tenantId, match[1]!);
    return detail ? send(response, 200, detail) : send(response, 404, { error: 'not_found' });
  }
  if (request.method === 'POST' && path === '/leads')
    return send(response, 201, await createLead(tenantId, await readBody(request)));
  if (request.method === 'POST' && (match = /^\/leads\/([0-9a-f-]{36})\/status$/.exec(path))) {
    const body = await readBody(request);
    const result = await changeStatus(tenantId, match[1]!, String(body.status));
    if (result === 'conflict') return send(response, 409, { error: 'conflict' });
    return result ? send(response, 200, result) : send(response, 404, { error: 'not_found' });
  }
  if (request.method === 'POST' && path === '/bookings') {
    const result = await createBooking(tenantId, await readBody(request));
    if (result === 'conflict') return send(response, 409, { error: 'conflict' });
    return result ? send(response, 201, result) : send(response, 404, { error: 'not_found' });
  }
  if (request.method === 'POST' && path === '/webhooks/twilio/sms') {
    const publicUrl = `http://${String(request.headers.host)}${request.url ?? ''}`;
    const signature = request.headers['x-twilio-signature'];
    const status = await twilioInbound(
      publicUrl,
      typeof signature === 'string' ? signature : undefined,
      await readText(request),
    );
    const twiml = status === 200 ? '<?xml version="1.0" encoding="UTF-8"?><Response/>' : '';
    response.writeHead(status, { 'content-type': 'text/xml; charset=utf-8' });
    response.end(twiml);
    return;
  }
  send(response, 404, { error: 'not_found' });
}

const server = createServer((request, response) => {
  handle(request, response).catch((error: unknown) => {
    console.error(error);
    if (!response.headersSent) send(response, 500, { error: (error as Error).message });
    else response.end();
  });
});
server.keepAliveTimeout = 65_000;
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  console.log(JSON.stringify({ port: (server.address() as AddressInfo).port }));
});
process.once('SIGTERM', () => {
  server.close();
  void pool.end();
  redis.disconnect();
  process.exit(0);
});
