import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';

import { PrismaClient } from '../../generated/prisma/client.js';
import { AppConfig } from '../config/app-config.js';
import { foldSettingIntoBegin } from './begin-setting.js';

/**
 * The one Prisma client of the process, connected as the app role (DATABASE_URL) through a pg pool.
 * Feature code does not use it directly: repositories go through the tenant-scoped data path.
 */
@Injectable()
export class PrismaService extends PrismaClient implements OnModuleDestroy {
  constructor(config: AppConfig) {
    const pool = new pg.Pool({
      connectionString: config.database.url,
      max: config.database.poolSize,
      // Fail a request quickly instead of queueing forever when PostgreSQL is unreachable.
      connectionTimeoutMillis: 5_000,
      application_name: 'renos',
    });
    // Every connection sends a scoped transaction's tenant setting with its BEGIN (begin-setting.ts).
    pool.on('connect', foldSettingIntoBegin);
    super({
      adapter: new PrismaPg(pool, { disposeExternalPool: true }),
      // Every tenant-scoped read is a short transaction, so under load requests queue for a pooled
      // connection; Prisma's default wait of 2 s turned a busy moment into errors. A request that still
      // cannot get one answers 503 (P2028, see database-errors.ts).
      transactionOptions: { maxWait: 10_000, timeout: 15_000 },
    });
  }

  async onModuleDestroy(): Promise<void> {
    await this.$disconnect();
  }
}
