import { Injectable } from '@nestjs/common';
import argon2 from 'argon2';

import { AuditService } from '../auth/audit.service.js';
import type { Actor } from '../auth/principal.js';
import { SystemPrismaService } from '../core/database/system-prisma.service.js';
import { TenantPrismaService } from '../core/database/tenant-prisma.service.js';
import { UnitOfWork } from '../core/unit-of-work/unit-of-work.js';
import type { Prisma } from '../generated/prisma/client.js';
import { CreatedTenantDto, type CreateTenantDto } from './dto/create-tenant.dto.js';
import { TenantResponseDto } from './dto/tenant-response.dto.js';
import type { UpdateTenantDto } from './dto/update-tenant.dto.js';
import { TenantsRepository } from './tenants.repository.js';
import { SlugTakenError, TenantNotFoundError, UserExistsError } from './tenants.errors.js';
import { DEFAULT_EMAIL_TEMPLATES, DEFAULT_TEAM_NAME, defaultTenantSettings } from './tenant-defaults.js';

/** A validated DTO object (class instances included) as plain JSON for a Json column. */
function toJson(value: object): Prisma.InputJsonObject {
  return JSON.parse(JSON.stringify(value)) as Prisma.InputJsonObject;
}

/** The columns a PATCH sets: only the properties the body named. */
function settingsUpdate(dto: UpdateTenantDto): Prisma.TenantUpdateInput {
  const data: Prisma.TenantUpdateInput = {
    name: dto.name,
    timezone: dto.timezone,
    currency: dto.currency,
    hourlyRate: dto.hourlyRate,
    vatRate: dto.vatRate,
    paymentTermsDays: dto.paymentTermsDays,
    billyInvoiceState: dto.billyInvoiceState,
    workingHours: dto.workingHours && toJson(dto.workingHours),
    slotRules: dto.slotRules && toJson(dto.slotRules),
    closedDays: dto.closedDays && toJson(dto.closedDays),
    extractionRules: dto.extractionRules && toJson(dto.extractionRules),
    smsRules: dto.smsRules && toJson(dto.smsRules),
    seriesRules: dto.seriesRules && toJson(dto.seriesRules),
    customerNotices: dto.customerNotices && toJson(dto.customerNotices),
    leadSenderDomains: dto.leadSenderDomains,
    smsNumber: dto.smsNumber,
    gmailAddress: dto.gmailAddress,
    notificationEmail: dto.notificationEmail,
    offerReminderMinutes: dto.offerReminderMinutes,
    freeCancellationHours: dto.freeCancellationHours,
    lateCancellationFeeOre: dto.lateCancellationFeeOre,
    conversationDays: dto.conversationDays,
    cvr: dto.cvr,
    address: dto.address,
    bankRegNo: dto.bankRegNo,
    bankAccountNo: dto.bankAccountNo,
    fikCreditorNo: dto.fikCreditorNo,
    mobilePayNumber: dto.mobilePayNumber,
  };
  return Object.fromEntries(Object.entries(data).filter(([, value]) => value !== undefined));
}

/** The tenant's own settings, and the creation of new tenants by a superadmin. */
@Injectable()
export class TenantsService {
  constructor(
    private readonly repository: TenantsRepository,
    private readonly tenantPrisma: TenantPrismaService,
    private readonly system: SystemPrismaService,
    private readonly audit: AuditService,
    private readonly unitOfWork: UnitOfWork,
  ) {}

  async getSettings(): Promise<TenantResponseDto> {
    const tenant = await this.repository.findTenant(this.tenantPrisma.tenantId);
    if (!tenant) throw new TenantNotFoundError();
    return TenantResponseDto.from(tenant);
  }

  async updateSettings({ principal, ip }: Actor, dto: UpdateTenantDto): Promise<TenantResponseDto> {
    const tenantId = this.tenantPrisma.tenantId;
    const data = settingsUpdate(dto);
    const fields = Object.keys(data);
    if (fields.length === 0) return this.getSettings();
    const tenant = await this.unitOfWork.run(async ({ tx, invalidatesCache }) => {
      const updated = await this.repository.updateTenant(tenantId, data, tx);
      // Names only: values may be addresses and numbers, and the row itself holds the current ones.
      await this.audit.record(
        {
          action: 'settings_change',
          tenantId,
          actorUserId: principal.userId,
          targetType: 'tenant',
          targetId: tenantId,
          ip,
          metadata: { fields },
        },
        tx,
      );
      // The time zone and rates feed cached figures (newThisWeek, revenue): recompute them.
      invalidatesCache();
      return updated;
    });
    return TenantResponseDto.from(tenant);
  }

  /**
   * A tenant with its default team, the Danish e-mail templates and its first ADMIN, in one transaction
   * on the system path (row-level security refuses rows of a tenant the caller is not in). A new tenant
   * starts with an empty lead-sender allow-list: the defaults are Rendetalje's own lead providers.
   */
  async createTenant({ principal, ip }: Actor, dto: CreateTenantDto): Promise<CreatedTenantDto> {
    // Hashing is slow on purpose; done before the transaction so it holds no connection meanwhile.
    const passwordHash = await argon2.hash(dto.adminPassword, { type: argon2.argon2id });
    const { tenant, admin } = await this.system.transaction('tenant-creation', async (tx) => {
      if (await this.repository.findTenantBySlug(dto.slug, tx)) throw new SlugTakenError();
      if (await this.repository.findUserByEmail(dto.adminEmail, tx)) throw new UserExistsError('adminEmail');
      const tenant = await this.repository.createTenant(
        { name: dto.name, slug: dto.slug, ...defaultTenantSettings(), leadSenderDomains: [] },
        tx,
      );
      await this.repository.createTeam(tenant.id, { name: DEFAULT_TEAM_NAME }, tx);
      await this.repository.createEmailTemplates(tenant.id, DEFAULT_EMAIL_TEMPLATES, tx);
      const admin = await this.repository.createMember(
        tenant.id,
        { email: dto.adminEmail, name: dto.adminName, passwordHash, role: 'admin' },
        tx,
      );
      await this.audit.record(
        {
          action: 'tenant_create',
          tenantId: tenant.id,
          actorUserId: principal.userId,
          targetType: 'tenant',
          targetId: tenant.id,
          ip,
          metadata: { slug: tenant.slug, adminUserId: admin.user.id },
        },
        tx,
      );
      return { tenant, admin: admin.user };
    });
    return Object.assign(new CreatedTenantDto(), {
      tenant: TenantResponseDto.from(tenant),
      admin: { id: admin.id, email: admin.email, name: admin.name },
    });
  }
}
