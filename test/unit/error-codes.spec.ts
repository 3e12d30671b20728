import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

import { describe, expect, it } from 'vitest';

import { DomainError, ERROR_STATUS, wireCode } from '../../src/core/http/domain-error.js';

const SRC = join(import.meta.dirname, '../../src');

const DECLARES_ERROR = /class \w+ extends \w*Error\b/;

/** Every source file that declares an error class (read, not imported, to find them: main.ts starts the app). */
function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'generated' ? [] : sourceFiles(path);
    if (!entry.name.endsWith('.ts') || entry.name.endsWith('.spec.ts')) return [];
    return DECLARES_ERROR.test(readFileSync(path, 'utf8')) ? [path] : [];
  });
}

/** The exported DomainError classes, each with the code its instances carry on the wire. */
async function errorClasses(): Promise<Array<{ name: string; file: string; code: string; status: number }>> {
  const found = [];
  for (const file of sourceFiles(SRC)) {
    const module = (await import(file)) as Record<string, unknown>;
    for (const [name, value] of Object.entries(module)) {
      if (typeof value !== 'function' || !(value.prototype instanceof DomainError)) continue;
      // The code depends on the class alone: an instance made without running its constructor.
      const probe = Object.create(value.prototype as object) as DomainError;
      const kind = probeKind(value);
      Object.defineProperty(probe, 'code', { value: kind });
      found.push({ name, file: relative(SRC, file), code: wireCode(probe), status: ERROR_STATUS[kind] });
    }
  }
  return found;
}

/** The kind a class's instances have, read from one made with placeholder arguments. */
function probeKind(errorClass: unknown): keyof typeof ERROR_STATUS {
  const make = errorClass as new (...args: unknown[]) => DomainError;
  try {
    return new make('x', 'y', 'z', ['w']).code;
  } catch {
    return 'conflict';
  }
}

describe('error codes on the wire', () => {
  it(
    'names each feature error by its class, each code once, in snake case',
    { timeout: 60_000 },
    async () => {
      const classes = await errorClasses();
      expect(classes.length).toBeGreaterThan(40);
      const specific = classes.filter((c) => c.code !== 'validation_failed' && !(c.code in ERROR_STATUS));
      for (const { name, code } of specific) {
        expect(code, name).toMatch(/^[a-z][a-z0-9]*(_[a-z0-9]+)*$/);
      }
      const byCode = new Map<string, string[]>();
      for (const { name, code } of specific) byCode.set(code, [...(byCode.get(code) ?? []), name]);
      const shared = [...byCode].filter(([, names]) => names.length > 1);
      expect(shared, 'two error classes with one code: a client could not tell them apart').toEqual([]);
    },
  );

  it('gives the kind for generic errors and every invalid input', { timeout: 60_000 }, async () => {
    const classes = await errorClasses();
    const of = (name: string) => classes.find((c) => c.name === name)?.code;
    expect(of('NotFoundError')).toBe('not_found');
    expect(of('ConflictError')).toBe('conflict');
    expect(of('FieldError')).toBe('validation_failed');
    expect(of('BookingFieldError')).toBe('validation_failed');
    expect(of('BookingOverlapError')).toBe('booking_overlap');
    expect(of('LeadNotFoundError')).toBe('lead_not_found');
    expect(of('InvoiceStatusError')).toBe('invoice_status');
    expect(wireCode(new DomainError('unauthorized', 'Session ended'))).toBe('unauthorized');
  });
});
