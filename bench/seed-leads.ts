// `npm run bench:seed -- [leads] [bookings] [tenants]`: fills a database with realistic volume for the
// read-path measurements (defaults: 100 000 leads, 20 000 bookings over 5 tenants), in seconds, with
// set-based INSERT … SELECT generate_series (no per-row round trips). Runs as the owner on
// DATABASE_ADMIN_URL (default the local renos database); prints the admin login of each tenant.
import { randomUUID } from 'node:crypto';

import argon2 from 'argon2';
import pg from 'pg';

import { loadConfig } from '../src/core/config/app-config.js';
import { defaultTenantSettings } from '../src/tenants/tenant-defaults.js';

const [leadCount = 100_000, bookingCount = 20_000, tenantCount = 5] = process.argv.slice(2).map(Number);
export const BENCH_PASSWORD = 'Bench-password-2026';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const db = new pg.Client({ connectionString: config.database.adminUrl });
  await db.connect();
  const started = Date.now();
  const hash = await argon2.hash(BENCH_PASSWORD, { type: argon2.argon2id });
  const settings = defaultTenantSettings();
  const run = randomUUID().slice(0, 6);
  const perTenant = Math.ceil(leadCount / tenantCount);
  const bookingsPerTenant = Math.ceil(bookingCount / tenantCount);
  try {
    for (let t = 0; t < tenantCount; t += 1) {
      const tenantId = randomUUID();
      const teamIds = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
      const userId = randomUUID();
      const email = `bench-${run}-${t}@example.dk`;
      await db.query('BEGIN');
      await db.query(
        `INSERT INTO tenants (id, name, slug, working_hours, slot_rules, closed_days, extraction_rules, sms_rules, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, now())`,
        [
          tenantId,
          `Bench ${run} ${t}`,
          `bench-${run}-${t}`,
          settings.workingHours,
          settings.slotRules,
          settings.closedDays,
          settings.extractionRules,
          settings.smsRules,
        ],
      );
      await db.query(
        `INSERT INTO users (id, email, name, password_hash, updated_at) VALUES ($1, $2, 'Bench admin', $3, now())`,
        [userId, email, hash],
      );
      await db.query(
        `INSERT INTO memberships (id, tenant_id, user_id, role, updated_at) VALUES ($1, $2, $3, 'admin', now())`,
        [randomUUID(), tenantId, userId],
      );
      for (const [i, teamId] of teamIds.entries()) {
        await db.query(`INSERT INTO teams (id, tenant_id, name, updated_at) VALUES ($1, $2, $3, now())`, [
          teamId,
          tenantId,
          `Hold ${i + 1}`,
        ]);
      }
      // Leads: Danish-looking names, cities and statuses spread over the last year.
      await db.query(
        `INSERT INTO leads (id, tenant_id, customer_name, customer_email, customer_phone, address, city, postal_code, source,
                            service_type, estimated_hours, estimated_price, status, priority, created_at, updated_at)
         SELECT gen_random_uuid(), $1,
                (ARRAY['Jens','Mette','Søren','Anne','Lars','Hanne','Mikkel','Line','Ole','Birgit'])[1 + i % 10] || ' ' ||
                (ARRAY['Hansen','Nielsen','Jensen','Pedersen','Andersen','Christensen','Larsen','Sørensen'])[1 + (i / 10) % 8] || ' ' || i,
                'kunde' || i || '@example.dk',
                '+452' || lpad((1000000 + i)::text, 7, '0'),
                (ARRAY['Vestergade','Nørregade','Algade','Strandvejen','Søndergade'])[1 + i % 5] || ' ' || (1 + i % 120),
                (ARRAY['Aarhus','København','Odense','Aalborg','Vejle','Horsens','Randers'])[1 + i % 7],
                lpad((1000 + i % 8999)::text, 4, '0'),
                (ARRAY['leadpoint','leadmail','booking_form','email','manual'])[1 + i % 5]::"LeadSource",
                (ARRAY['Flytterengøring','Hovedrengøring','Vinduespudsning','Fast rengøring'])[1 + i % 4],
                2 + (i % 8) * 0.5, (2 + (i % 8) * 0.5) * 349,
                (ARRAY['new','contacted','booked','completed','invoiced','lost'])[1 + i % 6]::"LeadStatus",
                (ARRAY['low','medium','high'])[1 + i % 3]::"Priority",
                now() - (i % 365) * interval '1 day' - (i % 1440) * interval '1 minute', now()
           FROM generate_series(1, $2::int) AS i`,
        [tenantId, perTenant],
      );
      // Bookings: back to back per team, so the exclusion constraint holds; every fifth one still pending.
      await db.query(
        `INSERT INTO bookings (id, tenant_id, lead_id, team_id, starts_at, ends_at, duration_hours, hourly_rate, total_amount,
                               status, meeting_token, updated_at)
         SELECT gen_random_uuid(), $1, l.id, ($3::uuid[])[1 + (l.n % 4)],
                date_trunc('hour', now()) + ((l.n / 4) * interval '3 hours'),
                date_trunc('hour', now()) + ((l.n / 4) * interval '3 hours') + interval '3 hours',
                3, 349, 1047,
                (ARRAY['confirmed','completed','cancelled','expired','pending'])[1 + l.n % 5]::"BookingStatus",
                replace(gen_random_uuid()::text, '-', '') || replace(gen_random_uuid()::text, '-', ''), now()
           FROM (SELECT id, row_number() OVER (ORDER BY created_at) - 1 AS n FROM leads WHERE tenant_id = $1 LIMIT $2) l`,
        [tenantId, bookingsPerTenant, teamIds],
      );
      await db.query('COMMIT');
      console.log(`tenant ${t + 1}/${tenantCount}: ${email} / ${BENCH_PASSWORD}`);
    }
    await db.query('ANALYZE leads; ANALYZE bookings;');
    console.log(
      `Seeded ${perTenant * tenantCount} leads and ${bookingsPerTenant * tenantCount} bookings in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  } catch (error) {
    await db.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    await db.end();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
