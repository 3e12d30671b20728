// Realistic volume for the benchmarks, in seconds: set-based INSERT … SELECT generate_series (no
// per-row round trips), run as the owner. Shared by `npm run bench:seed` and `npm run bench`.
import { randomUUID } from 'node:crypto';

import argon2 from 'argon2';
import type pg from 'pg';

import { defaultTenantSettings } from '../../src/tenants/tenant-defaults.js';

export const BENCH_PASSWORD = 'Bench-password-2026';

export interface VolumeOptions {
  leads: number;
  bookings: number;
  tenants: number;
  /** Timeline rows per lead ('Nyt lead oprettet', a status change, …), so a lead's detail has some. */
  activitiesPerLead?: number;
}

export interface SeededTenant {
  id: string;
  slug: string;
  adminEmail: string;
  adminUserId: string;
  teamIds: string[];
}

/** Seeds `tenants` tenants, each with an admin (BENCH_PASSWORD), four teams, its leads and bookings. */
export async function seedVolume(db: pg.Client, options: VolumeOptions): Promise<SeededTenant[]> {
  const hash = await argon2.hash(BENCH_PASSWORD, { type: argon2.argon2id });
  const settings = defaultTenantSettings();
  const run = randomUUID().slice(0, 6);
  const perTenant = Math.ceil(options.leads / options.tenants);
  const bookingsPerTenant = Math.ceil(options.bookings / options.tenants);
  const activitiesPerLead = options.activitiesPerLead ?? 2;
  const tenants: SeededTenant[] = [];
  for (let t = 0; t < options.tenants; t += 1) {
    const tenant: SeededTenant = {
      id: randomUUID(),
      slug: `bench-${run}-${t}`,
      adminEmail: `bench-${run}-${t}@example.dk`,
      adminUserId: randomUUID(),
      teamIds: [randomUUID(), randomUUID(), randomUUID(), randomUUID()],
    };
    try {
      await db.query('BEGIN');
      await db.query(
        `INSERT INTO tenants (id, name, slug, working_hours, slot_rules, closed_days, extraction_rules, sms_rules, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, now())`,
        [
          tenant.id,
          `Bench ${run} ${t}`,
          tenant.slug,
          settings.workingHours,
          settings.slotRules,
          settings.closedDays,
          settings.extractionRules,
          settings.smsRules,
        ],
      );
      await db.query(
        `INSERT INTO users (id, email, name, password_hash, updated_at) VALUES ($1, $2, 'Bench admin', $3, now())`,
        [tenant.adminUserId, tenant.adminEmail, hash],
      );
      await db.query(
        `INSERT INTO memberships (id, tenant_id, user_id, role, updated_at) VALUES ($1, $2, $3, 'admin', now())`,
        [randomUUID(), tenant.id, tenant.adminUserId],
      );
      await db.query(
        `INSERT INTO teams (id, tenant_id, name, updated_at)
         SELECT id, $1, 'Hold ' || n, now() FROM unnest($2::uuid[]) WITH ORDINALITY AS t(id, n)`,
        [tenant.id, tenant.teamIds],
      );
      // Leads: Danish-looking names, cities and statuses spread over the last year.
      await db.query(
        `INSERT INTO leads (id, tenant_id, customer_name, customer_email, customer_phone, address, city, postal_code, source,
                            service_type, estimated_hours, estimated_price, status, priority, email_content, created_at, updated_at)
         SELECT gen_random_uuid(), $1,
                (ARRAY['Jens','Mette','Søren','Anne','Lars','Hanne','Mikkel','Line','Ole','Birgit'])[1 + i % 10] || ' ' ||
                (ARRAY['Hansen','Nielsen','Jensen','Pedersen','Andersen','Christensen','Larsen','Sørensen'])[1 + (i / 10) % 8] || ' ' || i,
                'kunde' || i || '@example.dk',
                '+452' || lpad((1000000 + $3::int * 100000 + i)::text, 7, '0'),
                (ARRAY['Vestergade','Nørregade','Algade','Strandvejen','Søndergade'])[1 + i % 5] || ' ' || (1 + i % 120),
                (ARRAY['Aarhus','København','Odense','Aalborg','Vejle','Horsens','Randers'])[1 + i % 7],
                lpad((1000 + i % 8999)::text, 4, '0'),
                (ARRAY['leadpoint','leadmail','booking_form','email','manual'])[1 + i % 5]::"LeadSource",
                (ARRAY['Flytterengøring','Hovedrengøring','Vinduespudsning','Fast rengøring'])[1 + i % 4],
                2 + (i % 8) * 0.5, (2 + (i % 8) * 0.5) * 349,
                (ARRAY['new','contacted','booked','completed','invoiced','lost'])[1 + i % 6]::"LeadStatus",
                (ARRAY['low','medium','high'])[1 + i % 3]::"Priority",
                -- The portal mail a lead was made from, about 2 KB as a real one is (the list never returns it).
                'Ny forespørgsel fra Leadpoint.dk' || E'\n\nNavn: kunde ' || i || E'\nTelefon: +45 22 33 44 55\n\n' ||
                  repeat('Vi flytter ud af vores lejlighed på 3 værelser og ønsker et tilbud på flytterengøring. ', 22),
                now() - (i % 365) * interval '1 day' - (i % 1440) * interval '1 minute', now()
           FROM generate_series(1, $2::int) AS i`,
        [tenant.id, perTenant, t],
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
        [tenant.id, bookingsPerTenant, tenant.teamIds],
      );
      // The timeline: a lead's creation and, for most, a later line.
      if (activitiesPerLead > 0) {
        await db.query(
          `INSERT INTO activities (id, tenant_id, type, title, description, status, lead_id, created_at)
           SELECT gen_random_uuid(), $1,
                  (CASE WHEN k = 1 THEN 'email' ELSE 'pending' END)::"ActivityType",
                  CASE WHEN k = 1 THEN 'Nyt lead oprettet' ELSE 'Status opdateret til Kontaktet' END,
                  '', 'info'::"ActivityStatus", l.id, l.created_at + (k - 1) * interval '1 hour'
             FROM leads l CROSS JOIN generate_series(1, $2::int) AS k
            WHERE l.tenant_id = $1`,
          [tenant.id, activitiesPerLead],
        );
      }
      await db.query('COMMIT');
    } catch (error) {
      await db.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
    tenants.push(tenant);
  }
  await db.query('ANALYZE');
  return tenants;
}
