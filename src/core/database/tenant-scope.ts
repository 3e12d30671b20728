import { Prisma } from '../../generated/prisma/client.js';

/**
 * Which models are tenant-owned, derived from the generated client (every model with a `tenantId`
 * column), so a new model is scoped without anyone remembering to list it.
 */
export const TENANT_MODELS: ReadonlySet<string> = new Set(
  Object.values(Prisma.ModelName).filter((model) => {
    const fields = (Prisma as unknown as Record<string, Record<string, string> | undefined>)[
      `${model}ScalarFieldEnum`
    ];
    return fields !== undefined && 'tenantId' in fields;
  }),
);

export class CrossTenantWriteError extends Error {
  constructor(model: string) {
    super(`Refused to write a ${model} row of another tenant`);
    this.name = 'CrossTenantWriteError';
  }
}

type Args = Record<string, unknown> | undefined;

function withTenantData(model: string, data: unknown, tenantId: string): unknown {
  if (Array.isArray(data)) return data.map((item) => withTenantData(model, item, tenantId));
  const row = (data ?? {}) as Record<string, unknown>;
  if (row.tenantId !== undefined && row.tenantId !== tenantId) throw new CrossTenantWriteError(model);
  return { ...row, tenantId };
}

function withTenantWhere(where: unknown, tenantId: string): Record<string, unknown> {
  // A tenantId in the caller's filter is overridden, never trusted.
  return { ...((where ?? {}) as Record<string, unknown>), tenantId };
}

/**
 * Adds the tenant to the filter of every read, update and delete, and to the data of every create, so
 * a service cannot forget it. Unique lookups keep their unique field and gain the tenant (Prisma allows
 * extra filters on unique inputs), so another tenant's id finds nothing: a 404 like a missing row.
 */
export function scopeArgs(model: string, operation: string, args: Args, tenantId: string): Args {
  const input = args ?? {};
  switch (operation) {
    case 'create':
      return { ...input, data: withTenantData(model, input.data, tenantId) };
    case 'createMany':
    case 'createManyAndReturn':
      return { ...input, data: withTenantData(model, input.data, tenantId) };
    case 'upsert':
      return {
        ...input,
        where: withTenantWhere(input.where, tenantId),
        create: withTenantData(model, input.create, tenantId),
        update: guardUpdate(model, input.update, tenantId),
      };
    case 'update':
    case 'updateMany':
    case 'updateManyAndReturn':
      return {
        ...input,
        where: withTenantWhere(input.where, tenantId),
        data: guardUpdate(model, input.data, tenantId),
      };
    case 'findUnique':
    case 'findUniqueOrThrow':
    case 'findFirst':
    case 'findFirstOrThrow':
    case 'findMany':
    case 'count':
    case 'aggregate':
    case 'groupBy':
    case 'delete':
    case 'deleteMany':
      return { ...input, where: withTenantWhere(input.where, tenantId) };
    default:
      throw new Error(`Operation ${operation} on ${model} is not supported on the tenant-scoped client`);
  }
}

/** An update may not move a row to another tenant. */
function guardUpdate(model: string, data: unknown, tenantId: string): unknown {
  const row = (data ?? {}) as Record<string, unknown>;
  if (row.tenantId !== undefined && row.tenantId !== tenantId) throw new CrossTenantWriteError(model);
  return data;
}
