import { randomUUID } from 'node:crypto';

import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { PrismaPg } from '@prisma/adapter-pg';
import argon2 from 'argon2';
import { inject } from 'vitest';

import { PrismaClient } from '../../src/generated/prisma/client.js';
import type { Role } from '../../src/generated/prisma/enums.js';
import {
  DEFAULT_EMAIL_TEMPLATES,
  DEFAULT_TEAM_NAME,
  defaultTenantSettings,
} from '../../src/tenants/tenant-defaults.js';

/**
 * Fixtures written as the database owner (which row-level security does not restrict), the way an
 * operator's seed would: tests then act only through the API, as a user would.
 */
let owner: PrismaClient | undefined;
export function ownerDb(): PrismaClient {
  owner ??= new PrismaClient({ adapter: new PrismaPg({ connectionString: inject('adminDatabaseUrl') }) });
  return owner;
}

export const TEST_PASSWORD = 'Correct-Horse-Battery-9';
let cachedHash: Promise<string> | undefined;
const passwordHash = () => (cachedHash ??= argon2.hash(TEST_PASSWORD, { type: argon2.argon2id }));

export interface TenantFixture {
  id: string;
  slug: string;
  teamId: string;
}

export async function createTenant(name = 'Testfirma'): Promise<TenantFixture> {
  const slug = `t-${randomUUID().slice(0, 12)}`;
  const tenant = await ownerDb().tenant.create({ data: { name, slug, ...defaultTenantSettings() } });
  const team = await ownerDb().team.create({ data: { tenantId: tenant.id, name: DEFAULT_TEAM_NAME } });
  // Like a tenant made by POST /tenants: the six Danish templates, so features that e-mail can.
  await ownerDb().emailTemplate.createMany({
    data: DEFAULT_EMAIL_TEMPLATES.map((template) => ({ tenantId: tenant.id, ...template })),
  });
  return { id: tenant.id, slug, teamId: team.id };
}

export interface UserFixture {
  id: string;
  email: string;
  password: string;
}

export async function createUser(
  tenantId: string,
  role: Role,
  options: { superadmin?: boolean; active?: boolean } = {},
): Promise<UserFixture> {
  const email = `${role}-${randomUUID().slice(0, 8)}@example.dk`;
  const user = await ownerDb().user.create({
    data: {
      email,
      name: `Test ${role}`,
      passwordHash: await passwordHash(),
      isSuperadmin: options.superadmin ?? false,
      active: options.active ?? true,
    },
  });
  await ownerDb().membership.create({ data: { tenantId, userId: user.id, role } });
  return { id: user.id, email, password: TEST_PASSWORD };
}

export interface Session {
  accessToken: string;
  refreshToken: string;
  auth: { authorization: string };
}

export async function login(
  app: NestFastifyApplication,
  user: { email: string; password: string },
): Promise<Session> {
  const response = await app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { email: user.email, password: user.password },
  });
  if (response.statusCode !== 200) throw new Error(`login failed: ${response.statusCode} ${response.body}`);
  const body = response.json();
  return {
    accessToken: body.accessToken,
    refreshToken: body.refreshToken,
    auth: { authorization: `Bearer ${body.accessToken}` },
  };
}

/** A new user of the tenant with the role, logged in: the session most tests act with. */
export async function signIn(
  app: NestFastifyApplication,
  tenantId: string,
  role: Role,
  options: { superadmin?: boolean } = {},
): Promise<Session & { user: UserFixture }> {
  const user = await createUser(tenantId, role, options);
  return { ...(await login(app, user)), user };
}

/** A tenant with one logged-in user of each role: the cast most access tests need. */
export interface TenantWithRoles {
  tenant: TenantFixture;
  admin: Session & { user: UserFixture };
  manager: Session & { user: UserFixture };
  staff: Session & { user: UserFixture };
  viewer: Session & { user: UserFixture };
}

export async function createTenantWithRoles(
  app: NestFastifyApplication,
  name: string,
): Promise<TenantWithRoles> {
  const tenant = await createTenant(name);
  return {
    tenant,
    admin: await signIn(app, tenant.id, 'admin'),
    manager: await signIn(app, tenant.id, 'manager'),
    staff: await signIn(app, tenant.id, 'staff'),
    viewer: await signIn(app, tenant.id, 'viewer'),
  };
}
