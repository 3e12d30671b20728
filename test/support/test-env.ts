/** The machine's services, as .env.example defaults them; CI and a fresh machine have them running. */
export const SERVER_ADMIN_URL =
  process.env.TEST_DATABASE_ADMIN_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
export const APP_ROLE_NAME = 'renos_app';
export const APP_ROLE_PASSWORD = 'renos_app';
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** The same server as `base`, another database. */
export function databaseUrl(
  base: string,
  database: string,
  credentials?: { user: string; password: string },
): string {
  const url = new URL(base);
  url.pathname = `/${database}`;
  if (credentials) {
    url.username = credentials.user;
    url.password = credentials.password;
  }
  return url.toString();
}

export function uniqueName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
}
