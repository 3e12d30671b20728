// `npm run db:seed`: the tenant Rendetalje, its team, the Danish templates and its admin (also the
// superadmin). Runs as the owner (DATABASE_ADMIN_URL). Running it again changes nothing: existing rows
// are found and left as they are, so an admin's later edits and password survive.
import { PrismaPg } from '@prisma/adapter-pg';
import argon2 from 'argon2';

import { loadConfig } from '../src/core/config/app-config.js';
import { MIGRATIONS_DIR } from '../src/core/database/migrations-dir.js';
import { migrate } from '../src/core/database/migrator.js';
import { PrismaClient } from '../src/generated/prisma/client.js';
import { ENVIRONMENT_TENANT_SLUG } from '../src/integrations/credentials/credentials.providers.js';
import {
  DEFAULT_EMAIL_TEMPLATES,
  DEFAULT_LEAD_SENDER_DOMAINS,
  DEFAULT_TEAM_NAME,
  defaultTenantSettings,
} from '../src/tenants/tenant-defaults.js';

export const SEED_TENANT_SLUG = ENVIRONMENT_TENANT_SLUG;

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const password = config.seed.adminPassword;
  if (!password) throw new Error('SEED_ADMIN_PASSWORD: required in production');

  // The seed needs the schema: apply pending migrations first (a no-op when up to date).
  await migrate({
    adminUrl: config.database.adminUrl,
    appUrl: config.database.url,
    migrationsDir: MIGRATIONS_DIR,
  });
  const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: config.database.adminUrl }) });
  try {
    const tenant = await prisma.tenant.upsert({
      where: { slug: SEED_TENANT_SLUG },
      update: {},
      create: {
        name: 'Rendetalje',
        slug: SEED_TENANT_SLUG,
        gmailAddress: config.google.gmailAddress,
        smsNumber: config.twilio.phoneNumber,
        leadSenderDomains: DEFAULT_LEAD_SENDER_DOMAINS,
        ...defaultTenantSettings(),
      },
    });
    await prisma.team.upsert({
      where: { tenantId_name: { tenantId: tenant.id, name: DEFAULT_TEAM_NAME } },
      update: {},
      create: { tenantId: tenant.id, name: DEFAULT_TEAM_NAME },
    });
    for (const template of DEFAULT_EMAIL_TEMPLATES) {
      await prisma.emailTemplate.upsert({
        where: { tenantId_type: { tenantId: tenant.id, type: template.type } },
        update: {},
        create: { tenantId: tenant.id, ...template },
      });
    }
    const existing = await prisma.user.findUnique({ where: { email: config.seed.adminEmail } });
    const admin =
      existing ??
      (await prisma.user.create({
        data: {
          email: config.seed.adminEmail,
          name: 'Rendetalje Admin',
          passwordHash: await argon2.hash(password, { type: argon2.argon2id }),
          isSuperadmin: true,
        },
      }));
    await prisma.membership.upsert({
      where: { tenantId_userId: { tenantId: tenant.id, userId: admin.id } },
      update: {},
      create: { tenantId: tenant.id, userId: admin.id, role: 'admin' },
    });
    console.log(`Seeded tenant ${tenant.name} (${tenant.slug}); admin ${admin.email}`);
  } finally {
    await prisma.$disconnect();
  }
}

main().catch((error: unknown) => {
  console.error((error as Error).message);
  process.exit(1);
});
