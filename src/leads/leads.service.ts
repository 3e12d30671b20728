import { Injectable } from '@nestjs/common';

import { ActivitiesService } from '../activities/activities.service.js';
import { ActivityQueryDto, type ActivityPageDto } from '../activities/dto/activity.dto.js';
import { isStaff, type Principal, visibleOnlyTo } from '../auth/principal.js';
import { TenantPrismaService, type ScopedTransaction } from '../core/database/tenant-prisma.service.js';
import { DomainError } from '../core/http/domain-error.js';
import { paginated, parseSort } from '../core/http/pagination.js';
import { amountFor, Decimal } from '../core/money/money.js';
import { normalizePhone } from '../core/phone/phone.js';
import { parseRangeBoundary } from '../core/time/tenant-time.js';
import { CustomersService } from '../customers/customers.service.js';
import type { Lead, Prisma } from '../generated/prisma/client.js';
import type {
  ActivityStatus,
  ActivityType,
  LeadSource,
  LeadStatus,
  Priority,
} from '../generated/prisma/enums.js';
import { UnitOfWork } from '../core/unit-of-work/unit-of-work.js';
import { TenantProfileService } from '../tenants/tenant-profile.service.js';
import type { NewLeadInput } from './dto/create-lead.dto.js';
import { LEAD_SORT_FIELDS, type LeadQueryDto } from './dto/lead-query.dto.js';
import { LeadDetailDto, LeadDto, type LeadPageDto } from './dto/lead.dto.js';
import type { ReplaceLeadDto, UpdateLeadDto } from './dto/update-lead.dto.js';
import { assertUserMove, statusTitle, systemMoveTarget, type LeadSystemEvent } from './lead-status.js';
import {
  contactRequired,
  LeadFieldError,
  LeadHasLiveBookingsError,
  LeadNotFoundError,
} from './leads.errors.js';
import { LeadsRepository, type LeadWithNextBooking } from './leads.repository.js';

export type { LeadSystemEvent } from './lead-status.js';
/** A lead row as LeadsService hands it to other modules (no relations included). */
export type LeadRow = Lead;

/** What the intake read from a mail; empty strings for what it could not read. */
export interface ImportedLeadInput {
  customerName: string;
  customerPhone: string | null;
  customerEmail: string | null;
  address: string;
  postalCode: string;
  city: string;
  serviceType: string;
  estimatedHours: number | null;
  priority: Priority;
  notes: string | null;
  source: LeadSource;
  sourceMessageId: string | null;
  extraction: Prisma.InputJsonValue;
  emailContent: string | null;
  /** Null when the lead can go on without a human. */
  needsAttentionReason: string | null;
}

/** The editable fields of a lead after the DTO: undefined leaves a field alone, null clears it. */
interface LeadEdit {
  customerName?: string;
  customerPhone?: string | null;
  customerEmail?: string | null;
  serviceType?: string;
  address?: string;
  postalCode?: string;
  city?: string;
  estimatedHours?: number;
  source?: LeadSource;
  priority?: Priority;
  notes?: string | null;
  assignedUserId?: string | null;
  needsAttention?: boolean;
}

const PLAIN_FIELDS = [
  'customerName',
  'serviceType',
  'address',
  'postalCode',
  'city',
  'source',
  'priority',
  'notes',
] as const;

/** Sources that arrive by e-mail show as e-mail on the timeline, as seed 000 logged new leads. */
const EMAIL_SOURCES: readonly LeadSource[] = ['email', 'leadmail', 'leadpoint'];

const STATUS_ACTIVITY: Record<LeadStatus, { type: ActivityType; status: ActivityStatus }> = {
  new: { type: 'pending', status: 'info' },
  contacted: { type: 'pending', status: 'info' },
  booked: { type: 'booking', status: 'success' },
  completed: { type: 'completed', status: 'success' },
  invoiced: { type: 'invoice', status: 'success' },
  lost: { type: 'pending', status: 'warning' },
};

@Injectable()
export class LeadsService {
  constructor(
    private readonly repository: LeadsRepository,
    private readonly db: TenantPrismaService,
    private readonly customers: CustomersService,
    private readonly activities: ActivitiesService,
    private readonly tenant: TenantProfileService,
    private readonly unitOfWork: UnitOfWork,
  ) {}

  // Reads ------------------------------------------------------------------------------------------

  async list(principal: Principal, query: LeadQueryDto): Promise<LeadPageDto> {
    const orderBy = parseSort(query.sort, LEAD_SORT_FIELDS, {
      field: 'createdAt',
      direction: 'desc',
    }) as Prisma.LeadOrderByWithRelationInput[];
    let createdFrom: Date | undefined;
    let createdTo: Date | undefined;
    if (query.from || query.to) {
      const { timezone } = await this.tenant.current();
      createdFrom = query.from ? parseRangeBoundary(query.from, timezone, 'from') : undefined;
      createdTo = query.to ? parseRangeBoundary(query.to, timezone, 'to') : undefined;
    }
    const page = await this.repository.page(
      this.db.tenantId,
      {
        status: query.status,
        source: query.source,
        priority: query.priority,
        createdFrom,
        createdTo,
        search: query.search || undefined,
        assignedUserId: query.assignedUserId,
        needsAttention: query.needsAttention,
        visibleTo: visibleOnlyTo(principal),
      },
      orderBy,
      query.skip,
      query.pageSize,
    );
    return paginated(query, page, LeadDto.withNextBooking);
  }

  async get(principal: Principal, leadId: string): Promise<LeadDetailDto> {
    const row = await this.repository.findDetail(this.db.tenantId, leadId, visibleOnlyTo(principal));
    if (!row) throw new LeadNotFoundError();
    return LeadDetailDto.fromDetail(row);
  }

  async listActivities(
    principal: Principal,
    leadId: string,
    query: ActivityQueryDto,
  ): Promise<ActivityPageDto> {
    await this.findVisible(leadId, principal);
    const { timezone } = await this.tenant.current();
    return this.activities.list(principal, timezone, query, leadId);
  }

  /**
   * The lead if the principal may see it: in the tenant, not deleted, and for STAFF assigned to them.
   * Anything else is NotFoundError('Lead'), exactly as a missing lead (docs/architecture.md, Tenancy).
   */
  async findVisible(leadId: string, principal: Principal): Promise<Lead> {
    const lead = await this.repository.findVisible(this.db.tenantId, leadId, visibleOnlyTo(principal));
    if (!lead) throw new LeadNotFoundError();
    return lead;
  }

  // Writes -----------------------------------------------------------------------------------------

  /**
   * Creates a lead inside the caller's transaction: phone in E.164, the customer linked (phone, else
   * e-mail, else a new one), estimatedPrice = hours × the tenant's hourly rate, and the activity
   * 'Nyt lead oprettet'. A lead a STAFF user creates is theirs. The caller invalidates the tenant
   * cache after its commit. `principal` is null for the system (intake).
   */
  async createInTransaction(
    tx: ScopedTransaction,
    input: NewLeadInput,
    principal: Principal | null,
  ): Promise<{ lead: Lead; warnings: string[] }> {
    const tenantId = this.db.tenantId;
    const phone = normalizedPhone(input.customerPhone);
    const email = input.customerEmail?.trim() || null;
    if (!phone && !email) throw contactRequired();

    let assignedUserId = input.assignedUserId ?? null;
    if (principal && isStaff(principal)) {
      if (assignedUserId && assignedUserId !== principal.userId) throw staffAssignsSelfOnly();
      assignedUserId = principal.userId;
    } else if (assignedUserId) {
      await this.assertAssignable(tx, assignedUserId);
    }

    const hours = new Decimal(input.estimatedHours);
    const rate = await this.repository.hourlyRate(tx, tenantId);
    const link = await this.customers.linkForLead(tx, {
      name: input.customerName,
      phone,
      email,
      address: input.address,
      postalCode: input.postalCode,
      city: input.city,
    });
    const lead = await this.repository.create(tx, tenantId, {
      customerId: link.customerId,
      customerName: input.customerName,
      customerPhone: phone,
      customerEmail: email,
      address: input.address,
      postalCode: input.postalCode,
      city: input.city,
      serviceType: input.serviceType,
      estimatedHours: hours,
      estimatedPrice: amountFor(hours, rate),
      source: input.source ?? 'manual',
      priority: input.priority ?? 'medium',
      notes: input.notes ?? null,
      assignedUserId,
    });
    await this.activities.record(tx, {
      type: EMAIL_SOURCES.includes(lead.source) ? 'email' : 'system',
      title: 'Nyt lead oprettet',
      description: `${lead.serviceType} - ${lead.city}`,
      status: link.warnings.length > 0 ? 'warning' : 'info',
      customerId: lead.customerId,
      leadId: lead.id,
      actorUserId: principal?.userId ?? null,
      metadata: { source: lead.source, ...(link.warnings.length > 0 ? { warnings: link.warnings } : {}) },
    });
    return { lead, warnings: link.warnings };
  }

  /**
   * A lead read from an e-mail (the intake). Unlike a lead typed in by a user, nothing may be refused:
   * a field the mail lacks stays empty and the lead needs attention, so no lead is ever lost. A second
   * import of the same message fails on the unique (tenant, sourceMessageId) and the caller stops.
   */
  async createImported(tx: ScopedTransaction, input: ImportedLeadInput): Promise<Lead> {
    const tenantId = this.db.tenantId;
    const phone = normalizedPhone(input.customerPhone ?? undefined);
    const email = input.customerEmail?.trim() || null;
    const hours = input.estimatedHours === null ? null : new Decimal(input.estimatedHours);
    const rate = await this.repository.hourlyRate(tx, tenantId);
    const link =
      phone || email
        ? await this.customers.linkForLead(tx, {
            name: input.customerName,
            phone,
            email,
            address: input.address,
            postalCode: input.postalCode,
            city: input.city,
          })
        : { customerId: null, warnings: [] as string[] };
    const lead = await this.repository.create(tx, tenantId, {
      customerId: link.customerId,
      customerName: input.customerName,
      customerPhone: phone,
      customerEmail: email,
      address: input.address,
      postalCode: input.postalCode,
      city: input.city,
      serviceType: input.serviceType,
      estimatedHours: hours,
      estimatedPrice: hours === null ? null : amountFor(hours, rate),
      source: input.source,
      priority: input.priority,
      notes: input.notes,
      sourceMessageId: input.sourceMessageId,
      extraction: input.extraction,
      emailContent: input.emailContent,
      needsAttention: input.needsAttentionReason !== null,
      needsAttentionReason: input.needsAttentionReason,
    });
    const warnings = [...link.warnings];
    await this.activities.record(tx, {
      type: 'email',
      title: 'Nyt lead oprettet',
      description: `${lead.serviceType || 'Ukendt opgave'} - ${lead.city || 'ukendt by'}`,
      status: lead.needsAttention || warnings.length > 0 ? 'warning' : 'info',
      customerId: lead.customerId,
      leadId: lead.id,
      metadata: {
        source: lead.source,
        ...(input.sourceMessageId ? { gmailMessageId: input.sourceMessageId } : {}),
        ...(lead.needsAttentionReason ? { needsAttention: lead.needsAttentionReason } : {}),
        ...(warnings.length > 0 ? { warnings } : {}),
      },
    });
    return lead;
  }

  /** PUT: every editable field replaced; optional ones left out take their create defaults. */
  replace(principal: Principal, leadId: string, dto: ReplaceLeadDto): Promise<LeadDto> {
    return this.edit(principal, leadId, {
      customerName: dto.customerName,
      customerPhone: dto.customerPhone ?? null,
      customerEmail: dto.customerEmail ?? null,
      serviceType: dto.serviceType,
      address: dto.address,
      postalCode: dto.postalCode,
      city: dto.city,
      estimatedHours: dto.estimatedHours,
      source: dto.source,
      priority: dto.priority,
      notes: dto.notes ?? null,
      // A STAFF user's own lead stays theirs when they leave the assignee out: clearing it would hide
      // the lead from the person editing it.
      assignedUserId: dto.assignedUserId ?? (isStaff(principal) ? principal.userId : null),
      needsAttention: dto.needsAttention,
    });
  }

  /** PATCH: only the fields given. */
  update(principal: Principal, leadId: string, dto: UpdateLeadDto): Promise<LeadDto> {
    return this.edit(principal, leadId, { ...dto });
  }

  /**
   * A user's status move (docs/architecture.md, Data model); anything else is a 409 naming the allowed moves.
   */
  async changeStatus(principal: Principal, leadId: string, to: LeadStatus): Promise<LeadDto> {
    const row = await this.unitOfWork.run(async (work) => {
      const lead = await this.lockVisible(work.tx, leadId, principal);
      assertUserMove(lead.status, to);
      work.invalidatesCache();
      return this.moveStatus(work.tx, lead, to, principal.userId, {});
    });
    return LeadDto.withNextBooking(row);
  }

  /**
   * The system's own moves (docs/architecture.md, Data model), inside the caller's transaction and logged as
   * activities. A move that does not apply (a lead already further on, a deleted lead, another live
   * booking left for `bookings_ended`) is a no-op. The caller invalidates the tenant cache after commit.
   */
  async applySystemMove(
    tx: ScopedTransaction,
    leadId: string,
    event: LeadSystemEvent,
    actorUserId: string | null,
  ): Promise<void> {
    const tenantId = this.db.tenantId;
    const lead = await this.repository.lock(tx, tenantId, leadId);
    if (!lead) throw new LeadNotFoundError();
    if (lead.deletedAt) return;
    const to = systemMoveTarget(lead.status, event);
    if (!to) return;
    if (event === 'bookings_ended' && (await this.repository.countLiveBookings(tx, tenantId, leadId)) > 0)
      return;
    await this.moveStatus(tx, lead, to, actorUserId, { event });
  }

  /** Soft delete: the lead leaves every list and lookup; its timeline and bookings stay for the books. */
  async remove(principal: Principal, leadId: string): Promise<void> {
    await this.unitOfWork.run(async ({ tx, tenantId, invalidatesCache }) => {
      const lead = await this.lockVisible(tx, leadId, principal);
      // A deleted lead's live bookings would keep holding the team's time and the meeting link.
      if ((await this.repository.countLiveBookings(tx, tenantId, leadId)) > 0)
        throw new LeadHasLiveBookingsError();
      await this.repository.update(tx, tenantId, leadId, { deletedAt: new Date() });
      await this.activities.record(tx, {
        type: 'system',
        title: 'Lead slettet',
        description: `${lead.customerName} - ${lead.serviceType}`,
        status: 'warning',
        customerId: lead.customerId,
        leadId: lead.id,
        actorUserId: principal.userId,
      });
      invalidatesCache();
    });
  }

  // Mapping ----------------------------------------------------------------------------------------

  /** The API's lead: kept for callers in other modules; the mapping is `LeadDto.from`. */
  toDto(lead: Lead, extra: { bookingDate?: Date | null } = {}): LeadDto {
    return LeadDto.from(lead, extra);
  }

  // Internals --------------------------------------------------------------------------------------

  private async edit(principal: Principal, leadId: string, edit: LeadEdit): Promise<LeadDto> {
    const row = await this.unitOfWork.run(async ({ tx, tenantId, invalidatesCache }) => {
      const lead = await this.lockVisible(tx, leadId, principal);
      const data: Prisma.LeadUncheckedUpdateInput = {};
      const changed: string[] = [];

      for (const field of PLAIN_FIELDS) {
        const value = edit[field];
        if (value !== undefined && value !== lead[field]) {
          Object.assign(data, { [field]: value });
          changed.push(field);
        }
      }

      const phone =
        edit.customerPhone === undefined ? lead.customerPhone : normalizedPhone(edit.customerPhone);
      const email =
        edit.customerEmail === undefined ? lead.customerEmail : edit.customerEmail?.trim() || null;
      if (!phone && !email) throw contactRequired();
      if (phone !== lead.customerPhone) {
        data.customerPhone = phone;
        changed.push('customerPhone');
      }
      if (email !== lead.customerEmail) {
        data.customerEmail = email;
        changed.push('customerEmail');
      }

      if (edit.estimatedHours !== undefined) {
        const hours = new Decimal(edit.estimatedHours);
        if (!lead.estimatedHours || !hours.equals(lead.estimatedHours)) {
          data.estimatedHours = hours;
          data.estimatedPrice = amountFor(hours, await this.repository.hourlyRate(tx, tenantId));
          changed.push('estimatedHours', 'estimatedPrice');
        }
      }

      if (edit.assignedUserId !== undefined && edit.assignedUserId !== lead.assignedUserId) {
        if (isStaff(principal)) throw staffAssignsSelfOnly();
        if (edit.assignedUserId) await this.assertAssignable(tx, edit.assignedUserId);
        data.assignedUserId = edit.assignedUserId;
        changed.push('assignedUserId');
      }

      if (edit.needsAttention !== undefined && edit.needsAttention !== lead.needsAttention) {
        data.needsAttention = edit.needsAttention;
        if (!edit.needsAttention) data.needsAttentionReason = null;
        changed.push('needsAttention');
      }

      let warnings: string[] = [];
      const contactChanged = phone !== lead.customerPhone || !sameEmail(email, lead.customerEmail);
      if (contactChanged) {
        const link = await this.customers.linkForLead(tx, {
          name: edit.customerName ?? lead.customerName,
          phone,
          email,
          address: edit.address ?? lead.address,
          postalCode: edit.postalCode ?? lead.postalCode,
          city: edit.city ?? lead.city,
        });
        warnings = link.warnings;
        if (link.customerId !== lead.customerId) {
          data.customerId = link.customerId;
          changed.push('customerId');
        }
      }

      if (changed.length === 0) return (await this.repository.withNextBooking(tx, tenantId, leadId))!;
      const row = await this.repository.update(tx, tenantId, leadId, data);
      await this.activities.record(tx, {
        type: 'system',
        title: 'Lead opdateret',
        description: `${row.customerName} - ${row.serviceType}`,
        status: warnings.length > 0 ? 'warning' : 'info',
        customerId: row.customerId,
        leadId: row.id,
        actorUserId: principal.userId,
        metadata: { changed, ...(warnings.length > 0 ? { warnings } : {}) },
      });
      invalidatesCache();
      return row;
    });
    return LeadDto.withNextBooking(row);
  }

  private async moveStatus(
    tx: ScopedTransaction,
    lead: Lead,
    to: LeadStatus,
    actorUserId: string | null,
    metadata: { event?: LeadSystemEvent },
  ): Promise<LeadWithNextBooking> {
    const row = await this.repository.update(tx, this.db.tenantId, lead.id, {
      status: to,
      // The first booking counts once, however often the lead is booked again: the conversion rate.
      ...(to === 'booked' && !lead.firstBookedAt ? { firstBookedAt: new Date() } : {}),
    });
    await this.activities.record(tx, {
      ...STATUS_ACTIVITY[to],
      title: statusTitle(to),
      description: `${lead.customerName} - ${lead.serviceType}`,
      customerId: lead.customerId,
      leadId: lead.id,
      actorUserId,
      metadata: { from: lead.status, to, ...metadata },
    });
    return row;
  }

  /** The lead locked for a write, if the principal may see it; deleted leads are not found. */
  private async lockVisible(tx: ScopedTransaction, leadId: string, principal: Principal): Promise<Lead> {
    const lead = await this.repository.lock(tx, this.db.tenantId, leadId);
    const staff = visibleOnlyTo(principal);
    if (!lead || lead.deletedAt || (staff && lead.assignedUserId !== staff)) throw new LeadNotFoundError();
    return lead;
  }

  private async assertAssignable(tx: ScopedTransaction, userId: string): Promise<void> {
    if (!(await this.repository.isActiveMember(tx, this.db.tenantId, userId))) {
      throw new LeadFieldError([
        { field: 'assignedUserId', message: 'assignedUserId must be an active member of the tenant' },
      ]);
    }
  }
}

/** E.164, or null when absent; a number the DTO let through but libphonenumber cannot read is a 400. */
function normalizedPhone(value: string | null | undefined): string | null {
  if (value === undefined || value === null || value.trim() === '') return null;
  const phone = normalizePhone(value);
  if (!phone) {
    throw new LeadFieldError([
      {
        field: 'customerPhone',
        message: 'customerPhone must be a valid phone number (Danish unless +country code)',
      },
    ]);
  }
  return phone;
}

const sameEmail = (a: string | null, b: string | null) => (a ?? '').toLowerCase() === (b ?? '').toLowerCase();

const staffAssignsSelfOnly = () =>
  new DomainError('forbidden', 'STAFF can assign leads only to themselves', [
    { field: 'assignedUserId', message: 'STAFF can assign leads only to themselves' },
  ]);
