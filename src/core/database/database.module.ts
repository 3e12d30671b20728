import { Global, Module } from '@nestjs/common';

import { PrismaService } from './prisma.service.js';
import { SystemPrismaService } from './system-prisma.service.js';
import { TenantContextService } from './tenant-context.js';
import { TenantPrismaService } from './tenant-prisma.service.js';

@Global()
@Module({
  providers: [PrismaService, TenantContextService, TenantPrismaService, SystemPrismaService],
  exports: [PrismaService, TenantContextService, TenantPrismaService, SystemPrismaService],
})
export class DatabaseModule {}
