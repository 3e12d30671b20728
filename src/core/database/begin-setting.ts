import { AsyncLocalStorage } from 'node:async_hooks';

import type pg from 'pg';

/**
 * The transaction-local setting a scoped or system transaction needs (`app.tenant_id`, `app.system`),
 * sent in the same round trip as its BEGIN (bench/README.md, "Round trips"): `BEGIN; SELECT
 * set_config(…, true)` as one simple-protocol message instead of two statements, each a write to the
 * socket and a wait for PostgreSQL. The setting is still transaction-local (`true`), so it ends with
 * the transaction exactly as before.
 *
 * How it reaches the BEGIN: the caller runs its `$transaction` inside `withSettingOnBegin`; the
 * pooled connection's `query` (wrapped once per connection by `foldSettingIntoBegin`) finds the
 * pending setting in the async context and puts it after the first BEGIN it sends there, once. If
 * that did not happen (a BEGIN sent elsewhere, an isolation level, which must come before any
 * query), `applied()` is false and the caller sends the setting itself, as before.
 */
interface PendingSetting {
  readonly statement: string;
  applied: boolean;
}

const pending = new AsyncLocalStorage<PendingSetting>();

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `app.tenant_id` for the tenant; undefined unless the id is a UUID (it is written into the SQL). */
export function tenantSetting(tenantId: string): string | undefined {
  return UUID.test(tenantId)
    ? `SELECT set_config('app.tenant_id', '${tenantId.toLowerCase()}', true)`
    : undefined;
}

export const SYSTEM_SETTING = `SELECT set_config('app.system', 'on', true)`;

/**
 * Runs `start` (which opens one transaction) with `statement` pending for its BEGIN. `applied()` tells,
 * once the transaction has begun, whether the BEGIN carried it.
 */
export function withSettingOnBegin<T>(
  statement: string | undefined,
  start: (applied: () => boolean) => Promise<T>,
): Promise<T> {
  if (!statement) return start(() => false);
  const store: PendingSetting = { statement, applied: false };
  return pending.run(store, () => start(() => store.applied));
}

type QueryConfig = { text?: unknown; values?: unknown[]; name?: unknown };

/** Wraps one pooled connection's `query` so the first BEGIN of a pending context carries the setting. */
export function foldSettingIntoBegin(client: pg.PoolClient): void {
  (client as unknown as { query: (...args: unknown[]) => unknown }).query = function (
    this: pg.PoolClient,
    config: unknown,
    ...rest: unknown[]
  ) {
    const original = Object.getPrototypeOf(this).query as (...args: unknown[]) => unknown;
    const store = pending.getStore();
    if (store && !store.applied && isPlainBegin(config)) {
      store.applied = true;
      // Without a name or values the driver sends it as one simple query: both statements, one trip.
      const { name: _name, ...plain } = config;
      return original.call(this, { ...plain, text: `BEGIN; ${store.statement}` }, ...rest);
    }
    return original.call(this, config, ...rest);
  };
}

function isPlainBegin(config: unknown): config is QueryConfig {
  if (typeof config !== 'object' || config === null) return false;
  const { text, values } = config as QueryConfig;
  return text === 'BEGIN' && (values === undefined || values.length === 0);
}
