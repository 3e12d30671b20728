// `npm run bench:seed -- [leads] [bookings] [tenants]`: fills a database with realistic volume for the
// read-path measurements (defaults: 100 000 leads, 20 000 bookings over 5 tenants), in seconds, with
// set-based INSERT … SELECT generate_series (no per-row round trips). Runs as the owner on
// DATABASE_ADMIN_URL (default the local renos database); prints the admin login of each tenant.
import pg from 'pg';

import { loadConfig } from '../src/core/config/app-config.js';
import { BENCH_PASSWORD, seedVolume } from './lib/seed.js';

const [leads = 100_000, bookings = 20_000, tenants = 5] = process.argv.slice(2).map(Number);

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const db = new pg.Client({ connectionString: config.database.adminUrl });
  await db.connect();
  const started = Date.now();
  try {
    const seeded = await seedVolume(db, { leads, bookings, tenants });
    for (const [i, tenant] of seeded.entries()) {
      console.log(`tenant ${i + 1}/${tenants}: ${tenant.adminEmail} / ${BENCH_PASSWORD}`);
    }
    console.log(
      `Seeded ${leads} leads and ${bookings} bookings in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  } finally {
    await db.end();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
