#!/usr/bin/env node
// `npm run env:init`: writes the secrets a production start needs into .env, once. It copies
// .env.example to .env when there is none, then fills JWT_SECRET, ENCRYPTION_KEY and
// SEED_ADMIN_PASSWORD where they are empty, and never changes a value that is set: a second run
// changes nothing, so restarts keep sessions valid and stored credentials readable. It prints the
// names it filled, never the values. Uses only Node, so it runs before `npm ci` or docker compose.
import { randomBytes } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';

const FILE = '.env';
const EXAMPLE = '.env.example';

const GENERATORS = {
  // HS256 secret: 48 random bytes (the app asks for at least 32).
  JWT_SECRET: () => randomBytes(48).toString('base64'),
  // AES-256-GCM key: base64 of exactly 32 bytes.
  ENCRYPTION_KEY: () => randomBytes(32).toString('base64'),
  // The first admin's password (log in, then change it); URL-safe so it is easy to type.
  SEED_ADMIN_PASSWORD: () => randomBytes(18).toString('base64url'),
};

if (!existsSync(FILE)) {
  if (!existsSync(EXAMPLE)) {
    console.error(`Neither ${FILE} nor ${EXAMPLE} is here: run this from the repository's root.`);
    process.exit(1);
  }
  copyFileSync(EXAMPLE, FILE);
  console.log(`Created ${FILE} from ${EXAMPLE}.`);
}

let text = readFileSync(FILE, 'utf8');
const filled = [];
for (const [name, generate] of Object.entries(GENERATORS)) {
  const line = new RegExp(`^${name}=(.*)$`, 'm');
  const match = line.exec(text);
  const current = match?.[1].trim().replace(/^(["'])(.*)\1$/, '$2') ?? '';
  if (current !== '') continue;
  const value = generate();
  text = match ? text.replace(line, `${name}=${value}`) : `${text.replace(/\n?$/, '\n')}${name}=${value}\n`;
  filled.push(name);
}
if (filled.length > 0) writeFileSync(FILE, text);
// Secrets: readable by the owner only.
chmodSync(FILE, 0o600);
console.log(
  filled.length > 0
    ? `Wrote ${filled.join(', ')} into ${FILE} (values not shown; keep the file, and a copy of ENCRYPTION_KEY, safe).`
    : `${FILE} already has JWT_SECRET, ENCRYPTION_KEY and SEED_ADMIN_PASSWORD; nothing changed.`,
);
