import type { LoggerService } from '@nestjs/common';
import { WinstonModule } from 'nest-winston';
import winston from 'winston';

import type { AppConfig } from '../config/app-config.js';
import { withLogContext } from './log-context.js';

/** Keys whose values never reach a log line, wherever they are nested. */
const SECRET_KEY = /pass(word)?|secret|token|authorization|cookie|api[-_]?key|credential|signature/i;
export const REDACTED = '[redacted]';

/**
 * Secrets that turn up inside text rather than under a named key: a line built by hand, a vendor's
 * error message quoting what it was given, a URL with its query, a stack. Each pattern keeps what
 * names the secret and replaces the secret itself.
 */
const SECRET_IN_TEXT: readonly [RegExp, string][] = [
  // HTTP credentials: "Bearer <token>", "Basic <base64>".
  [/\b(Bearer|Basic)\s+[^\s"',;]+/gi, `$1 ${REDACTED}`],
  // JWTs anywhere (OIDC tokens, our access tokens): base64url JSON header, payload and signature.
  [/\beyJ[\w-]*\.[\w-]*\.[\w-]*/g, REDACTED],
  // Google OAuth tokens: refresh tokens (1//...) and access tokens (ya29....).
  [/\b1\/\/[\w-]{10,}/g, REDACTED],
  [/\bya29\.[\w.-]+/g, REDACTED],
  // key=value in queries, form bodies and hand-built lines: ?token=..., refresh_token=..., password=...
  [
    /\b([\w-]*(?:token|secret|password|signature|api[-_]?key|credential)[\w-]*)=[^&\s"',;#]+/gi,
    `$1=${REDACTED}`,
  ],
  // The same in JSON quoted into a message: "refresh_token":"...".
  [
    /("[\w-]*(?:token|secret|password|signature|api[-_]?key|credential)[\w-]*"\s*:\s*)"(?:[^"\\]|\\.)*"/gi,
    `$1"${REDACTED}"`,
  ],
];

/** `text` with every secret `SECRET_IN_TEXT` recognises replaced. */
export function scrub(text: string): string {
  let result = text;
  for (const [pattern, replacement] of SECRET_IN_TEXT) result = result.replace(pattern, replacement);
  return result;
}

export function redact(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return scrub(value);
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error)
    return { name: value.name, message: scrub(value.message), stack: value.stack && scrub(value.stack) };
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1));
  const result: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    result[key] = SECRET_KEY.test(key) ? REDACTED : redact(item, depth + 1);
  }
  return result;
}

/**
 * A winston format that applies `redact` to every field of the entry: a field named like a secret is
 * replaced whole, and every text (the message too) loses the secrets it quotes.
 */
const redactSecrets = winston.format((info) => {
  for (const key of Object.keys(info)) {
    if (key === 'level') continue;
    info[key] = key !== 'message' && SECRET_KEY.test(key) ? REDACTED : redact(info[key]);
  }
  return info;
});

/** JSON lines on stdout: what log collectors and `jq` read. */
export function createWinston(config: Pick<AppConfig, 'observability'>): winston.Logger {
  const level = config.observability.logLevel;
  return winston.createLogger({
    level: level === 'silent' ? 'error' : level,
    silent: level === 'silent',
    format: winston.format.combine(
      winston.format.timestamp(),
      withLogContext(),
      winston.format.errors({ stack: true }),
      redactSecrets(),
      winston.format.json(),
    ),
    defaultMeta: { service: 'renos' },
    transports: [new winston.transports.Console()],
  });
}

/** The same winston instance behind Nest's Logger, so framework and app lines look alike. */
export function createNestLogger(instance: winston.Logger): LoggerService {
  return WinstonModule.createLogger({ instance });
}
