import type { LoggerService } from '@nestjs/common';
import { WinstonModule } from 'nest-winston';
import winston from 'winston';

import type { AppConfig } from '../config/app-config.js';

/** Keys whose values never reach a log line, wherever they are nested. */
const SECRET_KEY = /pass(word)?|secret|token|authorization|cookie|api[-_]?key|credential|signature/i;
export const REDACTED = '[redacted]';

export function redact(value: unknown, depth = 0): unknown {
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) return { name: value.name, message: value.message, stack: value.stack };
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1));
  const result: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    result[key] = SECRET_KEY.test(key) ? REDACTED : redact(item, depth + 1);
  }
  return result;
}

/** A winston format that applies `redact` to every field of the entry except the message itself. */
const redactSecrets = winston.format((info) => {
  for (const key of Object.keys(info)) {
    if (key === 'level' || key === 'message') continue;
    info[key] = SECRET_KEY.test(key) ? REDACTED : redact(info[key]);
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
