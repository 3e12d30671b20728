import { defineConfig } from 'prisma/config';

// The Prisma CLI is used here only for `generate`, `validate` and `format`; migrations are applied by
// the project's own migrator (src/core/database/migrator.ts). The datasource URL is the owner's, for
// tools such as `prisma migrate status` on machines that have the schema engine.
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations', seed: 'node scripts/run.mjs prisma/seed.ts' },
  datasource: { url: process.env.DATABASE_ADMIN_URL ?? 'postgresql://postgres@127.0.0.1:5432/renos' },
});
