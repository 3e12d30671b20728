import { Injectable } from '@nestjs/common';

import type { Prisma } from '../generated/prisma/client.js';
import { TenantPrismaService } from '../core/database/tenant-prisma.service.js';
import { tenantRules, type TenantRules } from './tenant-defaults.js';

/** The current tenant's settings as the features use them (rates, time zone, rules). */
export interface TenantProfile extends TenantRules {
  id: string;
  name: string;
  timezone: string;
  currency: string;
  hourlyRate: Prisma.Decimal;
  vatRate: Prisma.Decimal;
  paymentTermsDays: number;
  /** Minutes an SMS offer waits for an answer before its reminder; 0: no reminder. */
  offerReminderMinutes: number;
  /** A customer cancels free of charge until this many hours before the start. */
  freeCancellationHours: number;
  /** Øre excl. VAT for a later cancellation by the customer; 0: none. */
  lateCancellationFeeOre: number;
  /** The company on its invoices. */
  cvr: string | null;
  address: string | null;
  /** How customers pay (see PaymentDetails in the invoices feature). */
  bankRegNo: string | null;
  bankAccountNo: string | null;
  fikCreditorNo: string | null;
  mobilePayNumber: string | null;
}

/** Reads the current tenant (from the request's or job's context) for the feature modules. */
@Injectable()
export class TenantProfileService {
  constructor(private readonly db: TenantPrismaService) {}

  async current(): Promise<TenantProfile> {
    const tenant = await this.db.client.tenant.findUniqueOrThrow({ where: { id: this.db.tenantId } });
    return {
      id: tenant.id,
      name: tenant.name,
      timezone: tenant.timezone,
      currency: tenant.currency,
      hourlyRate: tenant.hourlyRate,
      vatRate: tenant.vatRate,
      paymentTermsDays: tenant.paymentTermsDays,
      offerReminderMinutes: tenant.offerReminderMinutes,
      freeCancellationHours: tenant.freeCancellationHours,
      lateCancellationFeeOre: tenant.lateCancellationFeeOre,
      cvr: tenant.cvr,
      address: tenant.address,
      bankRegNo: tenant.bankRegNo,
      bankAccountNo: tenant.bankAccountNo,
      fikCreditorNo: tenant.fikCreditorNo,
      mobilePayNumber: tenant.mobilePayNumber,
      ...tenantRules(tenant),
    };
  }
}
