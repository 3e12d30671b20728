import { randomUUID } from 'node:crypto';

import { Body, Controller, Get, Module, Post } from '@nestjs/common';
import { IsEmail, IsInt, IsString, Max, Min, MinLength } from 'class-validator';

import { Public } from '../../src/auth/auth.decorators.js';
import { PrismaService } from '../../src/core/database/prisma.service.js';
import { TenantContextService } from '../../src/core/database/tenant-context.js';
import { TenantPrismaService } from '../../src/core/database/tenant-prisma.service.js';
import { defaultTenantSettings } from '../../src/tenants/tenant-defaults.js';

/**
 * Routes that exist only in tests, to drive the app's error handling with real inputs and real
 * database refusals (the foundation has no feature routes yet).
 */
export class ProbeDto {
  @IsString()
  @MinLength(2)
  name!: string;

  @IsInt()
  @Min(1)
  @Max(10)
  count!: number;

  @IsEmail()
  email!: string;
}

@Public()
@Controller('probe')
export class ProbeController {
  constructor(
    private readonly prisma: PrismaService,
    private readonly tenantContext: TenantContextService,
    private readonly tenantDb: TenantPrismaService,
  ) {}

  @Post('echo')
  echo(@Body() body: ProbeDto): ProbeDto {
    return body;
  }

  @Post('duplicate-tenant')
  async duplicateTenant(): Promise<void> {
    const slug = `dup-${randomUUID()}`;
    await this.prisma.tenant.create({ data: { name: 'A', slug, ...defaultTenantSettings() } });
    await this.prisma.tenant.create({ data: { name: 'B', slug, ...defaultTenantSettings() } });
  }

  @Get('missing-tenant')
  async missingTenant(): Promise<void> {
    await this.prisma.tenant.update({ where: { id: randomUUID() }, data: { name: 'x' } });
  }

  @Post('overlapping-bookings')
  async overlappingBookings(): Promise<void> {
    const tenant = await this.prisma.tenant.create({
      data: { name: 'Overlap', slug: `overlap-${randomUUID()}`, ...defaultTenantSettings() },
    });
    // Tenant-owned rows go through the scoped path, as the features' repositories do.
    await this.tenantContext.run({ tenantId: tenant.id }, () =>
      this.tenantDb.transaction(async (tx) => {
        const team = await tx.team.create({ data: { tenantId: tenant.id, name: 'Hold 1' } });
        const lead = await tx.lead.create({
          data: {
            tenantId: tenant.id,
            customerName: 'Jens Hansen',
            address: 'Vestergade 1',
            city: 'Aarhus',
            postalCode: '8000',
            serviceType: 'Flytterengøring',
          },
        });
        const booking = (startsAt: string, endsAt: string) => ({
          tenantId: tenant.id,
          leadId: lead.id,
          teamId: team.id,
          startsAt: new Date(startsAt),
          endsAt: new Date(endsAt),
          durationHours: '3.00',
          hourlyRate: '349.00',
          totalAmount: '1047.00',
          status: 'confirmed' as const,
          meetingToken: randomUUID(),
        });
        await tx.booking.create({ data: booking('2026-12-01T08:00:00Z', '2026-12-01T11:00:00Z') });
        await tx.booking.create({ data: booking('2026-12-01T10:00:00Z', '2026-12-01T13:00:00Z') });
      }),
    );
  }

  @Get('crash')
  crash(): never {
    throw new Error('connection to postgres://renos_app:hunter2@db failed: SELECT password_hash FROM users');
  }
}

@Module({ controllers: [ProbeController] })
export class ProbeModule {}
