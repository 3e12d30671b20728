import { AsyncLocalStorage } from 'node:async_hooks';

import { ClsService } from 'nestjs-cls';
import { describe, expect, it } from 'vitest';

import { TenantContextService } from './tenant-context.js';

describe('TenantContextService.forEachTenant', () => {
  const context = new TenantContextService(new ClsService(new AsyncLocalStorage()));

  it('runs the work as each tenant in turn and returns what each gave', async () => {
    const seen: string[] = [];
    const results = await context.forEachTenant(['a', 'b'], 'Counting', async (tenantId) => {
      seen.push(context.get().tenantId);
      return tenantId.length;
    });
    expect(seen).toEqual(['a', 'b']);
    expect(results).toEqual([
      { tenantId: 'a', result: 1 },
      { tenantId: 'b', result: 1 },
    ]);
    expect(context.tryGet()).toBeUndefined();
  });

  it('gives every tenant its turn when one fails, then fails with each failure named', async () => {
    const visited: string[] = [];
    const run = context.forEachTenant(['a', 'b', 'c'], 'Expiring pending bookings', async (tenantId) => {
      visited.push(tenantId);
      if (tenantId !== 'b') throw new Error(`no database for ${tenantId}`);
    });
    await expect(run).rejects.toThrow(
      'Expiring pending bookings failed for a: no database for a; c: no database for c',
    );
    expect(visited).toEqual(['a', 'b', 'c']);
  });

  it('counts: how many tenants there were and what their work did in all', async () => {
    const done = { a: 2, b: 0, c: 5 } as Record<string, number>;
    await expect(
      context.countForEachTenant(['a', 'b', 'c'], 'Reminders', async () => done[context.get().tenantId]!),
    ).resolves.toEqual({ tenants: 3, total: 7 });
  });
});
