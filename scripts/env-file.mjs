// Loads `.env` from the working directory into process.env, when the file exists, before an npm
// script starts the app, the migrator, the seed or any other entry point (their children inherit it).
// A variable already set in the environment wins over the file, so `FOO=x npm start` still works.
// process.loadEnvFile is in Node 20.12+ and 21.7+, below the engines the project requires.
import { existsSync } from 'node:fs';

export function loadEnvFile(path = '.env') {
  if (!existsSync(path)) return false;
  process.loadEnvFile(path);
  return true;
}
