import { randomUUID } from 'node:crypto';
import { cp, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { BookingDto } from '../../src/bookings/dto/booking.dto.js';
import { migrate } from '../../src/core/database/migrator.js';
import { PrismaClient } from '../../src/generated/prisma/client.js';
import { DEFAULT_TEAM_NAME, defaultTenantSettings } from '../../src/tenants/tenant-defaults.js';
import { SERVER_ADMIN_URL, databaseUrl, uniqueName } from '../support/test-env.js';

const MIGRATIONS = resolve('prisma/migrations');
const REPAIR = '20261206042000_booking_time_window';
const silent = { log: () => undefined, warn: () => undefined };

/**
 * A database deployed before the time window existed may hold a booking the API cannot read back
 * (one ending in year 10000 made every booking list of its tenant answer 500). The migration repairs
 * such rows before it adds the triggers that refuse them, so the tenant works again.
 */
describe(`migration ${REPAIR}`, () => {
  const name = uniqueName('renos_window');
  const adminUrl = databaseUrl(SERVER_ADMIN_URL, name);
  let before: string;
  let db: PrismaClient;
  const ids = { tenant: '', broken: '', sound: '', lead: '', offer: '' };

  beforeAll(async () => {
    before = await mkdtemp(join(tmpdir(), 'renos-window-'));
    for (const entry of await readdir(MIGRATIONS)) {
      if (entry !== REPAIR) await cp(join(MIGRATIONS, entry), join(before, entry), { recursive: true });
    }
    await migrate({ adminUrl, migrationsDir: before, logger: silent });
    db = new PrismaClient({ adapter: new PrismaPg({ connectionString: adminUrl }) });

    const tenant = await db.tenant.create({
      data: { name: 'Låst firma', slug: `t-${randomUUID().slice(0, 12)}`, ...defaultTenantSettings() },
    });
    const team = await db.team.create({ data: { tenantId: tenant.id, name: DEFAULT_TEAM_NAME } });
    const lead = await db.lead.create({
      data: {
        tenantId: tenant.id,
        customerName: 'Mette',
        customerPhone: '+4526000001',
        address: 'Vej 1',
        city: 'Aarhus',
        postalCode: '8000',
        serviceType: 'Flytterengøring',
        status: 'booked',
      },
    });
    const booking = (startsAt: string, endsAt: string) =>
      db.booking.create({
        data: {
          tenantId: tenant.id,
          leadId: lead.id,
          teamId: team.id,
          startsAt: new Date(startsAt),
          endsAt: new Date(endsAt),
          durationHours: '3.00',
          hourlyRate: '349.00',
          totalAmount: '1047.00',
          meetingToken: randomUUID(),
        },
      });
    const broken = await booking('9999-12-31T23:30:00Z', '+010000-01-01T02:30:00Z');
    const sound = await booking('2027-01-05T09:00:00Z', '2027-01-05T12:00:00Z');
    const offer = await db.slotOffer.create({
      data: {
        tenantId: tenant.id,
        leadId: lead.id,
        teamId: team.id,
        choice: 1,
        startsAt: new Date('9999-12-31T23:30:00Z'),
        endsAt: new Date('+010000-01-01T02:30:00Z'),
        expiresAt: new Date('2027-01-01T00:00:00Z'),
      },
    });
    Object.assign(ids, {
      tenant: tenant.id,
      broken: broken.id,
      sound: sound.id,
      lead: lead.id,
      offer: offer.id,
    });
  });

  afterAll(async () => {
    await db?.$disconnect();
    const client = new pg.Client({ connectionString: SERVER_ADMIN_URL });
    await client.connect();
    await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)} WITH (FORCE)`);
    await client.end();
    await rm(before, { recursive: true, force: true });
  });

  const listAsTheApiDoes = async () =>
    (await db.booking.findMany({ where: { tenantId: ids.tenant, deletedAt: null } })).map(BookingDto.from);

  it('repairs a booking that locked its tenant out, then refuses new ones', async () => {
    // The lock-out as it was: the row cannot be turned into an answer.
    await expect(listAsTheApiDoes()).rejects.toThrow(RangeError);

    await migrate({ adminUrl, migrationsDir: MIGRATIONS, logger: silent });

    const listed = await listAsTheApiDoes();
    expect(listed.map((booking) => booking.id)).toEqual([ids.sound]);
    expect(listed[0]).toMatchObject({ startsAt: '2027-01-05T09:00:00.000Z', status: 'pending' });

    const repaired = await db.booking.findUniqueOrThrow({ where: { id: ids.broken } });
    expect(repaired.status).toBe('cancelled');
    expect(repaired.deletedAt).not.toBeNull();
    expect(repaired.notes).toContain('9999-12-31 23:30:00');
    expect(() => BookingDto.from(repaired)).not.toThrow();
    const activity = await db.activity.findFirstOrThrow({ where: { bookingId: ids.broken } });
    expect(activity).toMatchObject({ title: 'Booking aflyst', status: 'warning', leadId: ids.lead });

    const offer = await db.slotOffer.findUniqueOrThrow({ where: { id: ids.offer } });
    expect(offer.status).toBe('withdrawn');
    expect(offer.endsAt.getUTCFullYear()).toBeLessThan(2100);

    const again = db.booking.update({
      where: { id: ids.sound },
      data: { endsAt: new Date('+010000-01-01T02:30:00Z') },
    });
    await expect(again).rejects.toMatchObject({
      meta: { driverAdapterError: { cause: { originalCode: '23514' } } },
    });
  });
});
