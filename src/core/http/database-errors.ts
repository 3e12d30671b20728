import { DomainError, type ErrorCode } from './domain-error.js';

/**
 * Maps what PostgreSQL and Prisma refuse to our error codes, so a constraint the database enforces
 * answers like a rule a service enforces (409, 404, 400) instead of a 500. SQL never reaches a body.
 */

interface PrismaLikeError {
  code?: unknown;
  meta?: Record<string, unknown>;
  cause?: unknown;
}

const CONSTRAINT_MESSAGES: Record<string, string> = {
  bookings_team_no_overlap: 'The team already has a booking at that time',
  bookings_time_window: 'A booking must lie between 2000-01-01 and 2100-01-01',
  slot_offers_time_window: 'An offered time must lie between 2000-01-01 and 2100-01-01',
};

/**
 * SQLSTATE class 22 is "data exception": a value PostgreSQL cannot take (a date out of range, a
 * malformed number, a NUL in a string). It always comes from what was sent, so it is the sender's 400;
 * the named codes get a message that says which kind of value, the rest of the class a general one.
 */
const DATA_EXCEPTION_MESSAGES: Record<string, string> = {
  '22001': 'A value is too long',
  '22003': 'A number is out of range',
  '22007': 'A date or time is malformed',
  '22008': 'A date or time is out of range',
  '22021': 'A text value contains a character that cannot be stored',
  '22P02': 'A value is malformed',
  '22P05': 'A text value contains a character that cannot be stored',
};

/** The SQLSTATE of a PostgreSQL error, wherever Prisma's driver adapter wrapped it. */
export function findSqlState(error: unknown, depth = 0): string | undefined {
  if (!error || typeof error !== 'object' || depth > 5) return undefined;
  const candidate = error as PrismaLikeError & { originalCode?: unknown; kind?: unknown };
  if (typeof candidate.originalCode === 'string' && /^[0-9A-Z]{5}$/.test(candidate.originalCode)) {
    return candidate.originalCode;
  }
  if (
    typeof candidate.code === 'string' &&
    /^[0-9A-Z]{5}$/.test(candidate.code) &&
    !candidate.code.startsWith('P')
  ) {
    return candidate.code;
  }
  const adapterError = candidate.meta?.driverAdapterError;
  return findSqlState(adapterError, depth + 1) ?? findSqlState(candidate.cause, depth + 1);
}

/** The constraint PostgreSQL named in its error, wherever it was wrapped. */
function findConstraint(error: unknown, depth = 0): string | undefined {
  if (!error || typeof error !== 'object' || depth > 5) return undefined;
  const candidate = error as PrismaLikeError & {
    constraint?: unknown;
    message?: unknown;
    originalMessage?: unknown;
  };
  if (typeof candidate.constraint === 'string') return candidate.constraint;
  for (const text of [candidate.originalMessage, candidate.message]) {
    const inMessage = typeof text === 'string' && /constraint "([^"]+)"/.exec(text);
    if (inMessage) return inMessage[1];
  }
  return (
    findConstraint(candidate.meta?.driverAdapterError, depth + 1) ??
    findConstraint(candidate.cause, depth + 1)
  );
}

/**
 * The columns of the unique key that was hit. Prisma's driver adapter reports only the index name,
 * which Prisma derives as `<table>_<columns>_key`; the tenant column is left out (it is never the
 * user's mistake).
 */
function uniqueFields(error: PrismaLikeError): string[] {
  const target = error.meta?.target;
  if (Array.isArray(target)) return target.map(String).filter((field) => !/^tenant_?id$/i.test(field));
  const cause = (
    error.meta?.driverAdapterError as {
      cause?: { table?: string; constraint?: { index?: string; fields?: unknown } };
    }
  )?.cause;
  if (Array.isArray(cause?.constraint?.fields)) return cause.constraint.fields.map(String);
  const index = cause?.constraint?.index;
  if (!index) return [];
  const columns = index
    .replace(new RegExp(`^${cause?.table ?? '[a-z_]+?'}_`), '')
    .replace(/_key$/, '')
    .replace(/^tenant_id_/, '');
  return [columns.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase())];
}

/** A broken constraint: its own message when it has one, else `fallback`; details name it when found. */
function constraintError(error: unknown, code: ErrorCode, fallback: string): DomainError {
  const constraint = findConstraint(error);
  return new DomainError(
    code,
    (constraint && CONSTRAINT_MESSAGES[constraint]) ?? fallback,
    constraint ? { constraint } : undefined,
  );
}

export function mapDatabaseError(error: unknown): DomainError | undefined {
  if (!error || typeof error !== 'object') return undefined;
  const prismaCode = (error as PrismaLikeError).code;
  const sqlState = findSqlState(error);

  if (prismaCode === 'P2002' || sqlState === '23505') {
    const fields = uniqueFields(error as PrismaLikeError);
    return new DomainError(
      'conflict',
      fields.length ? `Duplicate value for ${fields.join(', ')}` : 'Duplicate record',
      {
        fields,
      },
    );
  }
  if (prismaCode === 'P2025') return new DomainError('not_found', 'Record not found');
  if (prismaCode === 'P2003' || sqlState === '23503') {
    return new DomainError('validation_failed', 'A referenced record does not exist');
  }
  if (sqlState === '23P01') return constraintError(error, 'conflict', 'Conflicts with an existing record');
  if (prismaCode === 'P2000') return new DomainError('validation_failed', DATA_EXCEPTION_MESSAGES['22001']!);
  if (prismaCode === 'P2023') return new DomainError('validation_failed', DATA_EXCEPTION_MESSAGES['22P02']!);
  if (prismaCode === 'P2020') return new DomainError('validation_failed', DATA_EXCEPTION_MESSAGES['22003']!);
  if (sqlState?.startsWith('22')) {
    return new DomainError(
      'validation_failed',
      DATA_EXCEPTION_MESSAGES[sqlState] ?? 'A value is malformed or out of range',
    );
  }
  // A CHECK constraint: the database's own copy of a rule the DTOs enforce (a booking's time window).
  if (sqlState === '23514') {
    return constraintError(error, 'validation_failed', 'A value breaks a rule of the database');
  }
  if (prismaCode === 'P2028' || prismaCode === 'P2024' || sqlState === '53300' || sqlState === '57014') {
    // No connection or transaction slot in time: the server is busy, the request may be retried.
    return new DomainError('unavailable', 'The server is busy; try again shortly');
  }
  if (prismaCode === 'P2034' || sqlState === '40001' || sqlState === '40P01') {
    return new DomainError('conflict', 'The record was changed at the same time; try again');
  }
  return undefined;
}
