import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';

import { PrismaClient } from '../../generated/prisma/client.js';
import { AppConfig } from '../config/app-config.js';

/**
 * The one Prisma client of the process, connected as the app role (DATABASE_URL) through a pg pool.
 * Feature code does not use it directly: repositories go through the tenant-scoped data path.
 */
@Injectable()
export class PrismaService extends PrismaClient implements OnModuleDestroy {
  constructor(config: AppConfig) {
    super({
      adapter: new PrismaPg({
        connectionString: config.database.url,
        max: config.database.poolSize,
        // Fail a request quickly instead of queueing forever when PostgreSQL is unreachable.
        connectionTimeoutMillis: 5_000,
        application_name: 'renos',
      }),
    });
  }

  async onModuleDestroy(): Promise<void> {
    await this.$disconnect();
  }
}
