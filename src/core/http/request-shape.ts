import type { FastifyRequest } from 'fastify';

import { isStorableText } from '../validation/text.js';
import { DomainError, FieldError } from './domain-error.js';

/**
 * No request body of this API nests more than a few levels; 32 leaves room for any future DTO. Deeper
 * JSON is refused before it is parsed: class-transformer and class-validator walk a body recursively,
 * so a few thousand levels used to overflow the stack (a 500, on unauthenticated routes too).
 */
export const MAX_JSON_DEPTH = 32;

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * True when the JSON text nests objects and arrays deeper than `limit`. One pass over the bytes with a
 * counter (no recursion, no allocation) that stops at the first level too deep; brackets inside
 * strings do not count. UTF-8 continuation bytes are never ASCII, so bytes can be read one by one.
 * Malformed JSON is left to the parser, which refuses it with its own 400.
 */
export function jsonNestsDeeperThan(body: Buffer, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let index = 0; index < body.length; index += 1) {
    const byte = body[index];
    if (inString) {
      if (byte === BACKSLASH) index += 1;
      else if (byte === QUOTE) inString = false;
    } else if (byte === QUOTE) {
      inString = true;
    } else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
      depth += 1;
      if (depth > limit) return true;
    } else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
      depth -= 1;
    }
  }
  return false;
}

export class TooDeepError extends DomainError {
  constructor() {
    super('validation_failed', `Request body nests deeper than ${MAX_JSON_DEPTH} levels`);
  }
}

/**
 * The first string (value or key) in a parsed body, query or path that PostgreSQL cannot store or
 * library code cannot encode: a lone UTF-16 surrogate or a NUL. Walked with an explicit stack, so
 * the walk itself cannot overflow. Returns the field path as validation names fields (`lines.0.name`).
 */
export function findUnstorableText(
  root: unknown,
): { field: string; reason: 'surrogate' | 'nul' } | undefined {
  // Paths are kept as links to the parent and spelled out only for the field that is reported, so a
  // large body costs one visit per value and no string building.
  const stack: Array<{ value: unknown; at: PathLink | undefined }> = [{ value: root, at: undefined }];
  while (stack.length > 0) {
    const { value, at } = stack.pop()!;
    if (typeof value === 'string') {
      if (!isStorableText(value)) return { field: spell(at) || 'body', reason: reasonOf(value) };
    } else if (value !== null && typeof value === 'object') {
      for (const key in value) {
        if (!Object.hasOwn(value, key)) continue;
        const link = { parent: at, key };
        if (!isStorableText(key)) return { field: spell(link), reason: reasonOf(key) };
        stack.push({ value: (value as Record<string, unknown>)[key], at: link });
      }
    }
  }
  return undefined;
}

interface PathLink {
  parent: PathLink | undefined;
  key: string;
}

function spell(link: PathLink | undefined): string {
  const keys: string[] = [];
  for (let at = link; at; at = at.parent) keys.push(at.key);
  return keys.reverse().join('.');
}

const reasonOf = (text: string): 'surrogate' | 'nul' => (text.includes('\u0000') ? 'nul' : 'surrogate');

/**
 * A preValidation hook: a text that cannot be stored is a 400 naming its field, before any guard,
 * pipe or service sees it, on every route but the webhooks (whose senders get the answers their
 * protocols define, e.g. a 204 to an authentic but malformed Gmail push, so it is not retried).
 */
export function refuseUnstorableText(webhookPrefix: string) {
  return async (request: FastifyRequest): Promise<void> => {
    if (request.url.startsWith(webhookPrefix)) return;
    for (const part of [request.params, request.query, request.body]) {
      const found = findUnstorableText(part);
      if (!found) continue;
      const message =
        found.reason === 'nul'
          ? `${found.field} contains a NUL character`
          : `${found.field} is not well-formed Unicode (a lone surrogate)`;
      throw new FieldError(found.field, message);
    }
  };
}
