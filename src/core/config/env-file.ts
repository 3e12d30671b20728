import { existsSync } from 'node:fs';

/**
 * Loads `.env` from the working directory into process.env when the file exists (scripts/env-file.mjs
 * does the same for the npm scripts, before they start anything). A variable already set in the
 * environment wins over the file. In the container there is no .env: compose passes the variables.
 */
export function loadEnvFileIfPresent(path = '.env'): boolean {
  if (!existsSync(path)) return false;
  process.loadEnvFile(path);
  return true;
}
