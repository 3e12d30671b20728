import { Injectable } from '@nestjs/common';

import { ActivitiesService } from '../activities/activities.service.js';
import { ActivityQueryDto, type ActivityPageDto } from '../activities/dto/activity.dto.js';
import { isStaff, type Principal, visibleOnlyTo } from '../auth/principal.js';
import { TenantPrismaService, type ScopedTransaction } from '../core/database/tenant-prisma.service.js';
import { paginated, parseSort } from '../core/http/pagination.js';
import { amountFor, Decimal } from '../core/money/money.js';
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
import { contactRequired, LeadHasLiveBookingsError, LeadNotFoundError } from './leads.errors.js';
import { LeadsRepository, type LeadWithNextBooking } from './leads.repository.js';
import { LeadCreation, type CreatedLead, type ImportedLeadInput } from './lead-creation.service.js';
import { assertAssignable, normalizedPhone, sameEmail, staffAssignsSelfOnly } from './lead-fields.js';

export type { LeadSystemEvent } from './lead-status.js';
export type { CreatedLead, ImportedLeadInput } from './lead-creation.service.js';
/** A lead row as LeadsService hands it to other modules (no relations included). */
export type LeadRow = Lead;

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

const STATUS_ACTIVITY: Record<LeadStatus, { type: ActivityType; status: ActivityStatus }> = {
  new: { type: 'pending', status: 'info' },
  contacted: { type: 'pending', status: 'info' },
  booked: { type: 'booking', status: 'success' },
  completed: { type: 'completed', status: 'success' },
  invoiced: { type: 'invoice', status: 'success' },
  lost: { type: 'pending', status: 'warning' },
};

/** The fields a status move writes. */
function statusChange(lead: Lead, to: LeadStatus): { status: LeadStatus; firstBookedAt?: Date } {
  // The first booking counts once, however often the lead is booked again: the conversion rate.
  return { status: to, ...(to === 'booked' && !lead.firstBookedAt ? { firstBookedAt: new Date() } : {}) };
}

@Injectable()
export class LeadsService {
  /**
   * Per open transaction (weakly: it goes with the transaction), the lead rows it locked, by id, as long
   * as they say what the lead is: a move or an edit of the lead drops its row, a new lock replaces it.
   * Only the leads module writes leads, so a row found here is the lead as the transaction sees it, and
   * a system move handed that very row needs neither a lock nor a read of its own.
   */
  private readonly lockedRows = new WeakMap<ScopedTransaction, Map<string, Lead>>();

  constructor(
    private readonly repository: LeadsRepository,
    private readonly creation: LeadCreation,
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
   * A lead typed in by a user, inside the caller's transaction (`LeadCreation`): contact checked, the
   * customer linked, the price at the tenant's rate, its activity. `principal` is null for the system.
   * The caller's unit of work invalidates the tenant cache after its commit.
   */
  createInTransaction(
    tx: ScopedTransaction,
    input: NewLeadInput,
    principal: Principal | null,
  ): Promise<CreatedLead> {
    return this.creation.createInTransaction(tx, input, principal);
  }

  /** A lead read from an e-mail by the intake, inside its transaction (`LeadCreation`). */
  createImported(tx: ScopedTransaction, input: ImportedLeadInput): Promise<CreatedLead> {
    return this.creation.createImported(tx, input);
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
      return this.moveStatus(work.tx, lead, to, principal.userId);
    });
    return LeadDto.withNextBooking(row);
  }

  /**
   * The system's own moves (docs/architecture.md, Data model), inside the caller's transaction and logged as
   * activities. A move that does not apply (a lead already further on, a deleted lead, another live
   * booking left for `bookings_ended`) is a no-op. The caller invalidates the tenant cache after commit.
   *
   * `lead`: its id, or the row the caller locked in this same transaction (`lockVisible`,
   * `lockForUpdate`), which is then not locked and read again. A row locked in another transaction, or
   * already moved in this one, is locked and read afresh.
   */
  async applySystemMove(
    tx: ScopedTransaction,
    lead: string | Lead,
    event: LeadSystemEvent,
    actorUserId: string | null,
  ): Promise<void> {
    const tenantId = this.db.tenantId;
    const current =
      typeof lead !== 'string' && this.lockedRows.get(tx)?.get(lead.id) === lead
        ? lead
        : await this.lock(tx, typeof lead === 'string' ? lead : lead.id);
    if (!current) throw new LeadNotFoundError();
    if (current.deletedAt) return;
    const to = systemMoveTarget(current.status, event);
    if (!to) return;
    if (event === 'bookings_ended' && (await this.repository.countLiveBookings(tx, tenantId, current.id)) > 0)
      return;
    // The row no longer says what the lead is: a later move in this transaction reads it again.
    this.forget(tx, current.id);
    await this.repository.setStatus(tx, tenantId, current.id, statusChange(current, to));
    await this.recordMove(tx, current, to, actorUserId, { event });
  }

  /**
   * The lead, locked until the caller's transaction ends (SELECT … FOR UPDATE): offers and replies of
   * one lead go one at a time. Deleted leads included; null when there is no such lead.
   */
  lockForUpdate(tx: ScopedTransaction, leadId: string): Promise<Lead | null> {
    return this.lock(tx, leadId);
  }

  /**
   * The lead locked for a write (until the caller's transaction ends), if the principal may see it: in
   * the tenant, not deleted, and for STAFF assigned to them. Anything else is NotFoundError('Lead'), as
   * `findVisible` answers.
   */
  async lockVisible(tx: ScopedTransaction, leadId: string, principal: Principal): Promise<Lead> {
    const lead = await this.lock(tx, leadId);
    const staff = visibleOnlyTo(principal);
    if (!lead || lead.deletedAt || (staff && lead.assignedUserId !== staff)) throw new LeadNotFoundError();
    return lead;
  }

  /** The lead was texted its offer at `at`, inside the caller's transaction. */
  markTexted(tx: ScopedTransaction, leadId: string, at: Date): Promise<void> {
    return this.repository.mark(tx, this.db.tenantId, leadId, { smsSentAt: at });
  }

  /** The lead waits for a person, with the reason shown on it, inside the caller's transaction. */
  flagForAttention(tx: ScopedTransaction, leadId: string, reason: string): Promise<void> {
    return this.repository.mark(tx, this.db.tenantId, leadId, {
      needsAttention: true,
      needsAttentionReason: reason,
    });
  }

  /** The lead's response e-mail went out at `at` (the first one counts), inside the caller's transaction. */
  markResponseSent(tx: ScopedTransaction, leadId: string, at: Date): Promise<void> {
    return this.repository.markResponseSent(tx, this.db.tenantId, leadId, at);
  }

  /** A deleted lead gives up its source key, so the same pasted mail may become a lead again. */
  releaseDeletedSource(sourceMessageId: string): Promise<void> {
    return this.repository.releaseDeletedSource(this.db.tenantId, sourceMessageId);
  }

  /** Soft delete: the lead leaves every list and lookup; its timeline and bookings stay for the books. */
  async remove(principal: Principal, leadId: string): Promise<void> {
    await this.unitOfWork.run(async ({ tx, tenantId, invalidatesCache }) => {
      const lead = await this.lockVisible(tx, leadId, principal);
      // A deleted lead's live bookings would keep holding the team's time and the meeting link.
      if ((await this.repository.countLiveBookings(tx, tenantId, leadId)) > 0)
        throw new LeadHasLiveBookingsError();
      this.forget(tx, lead.id);
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
        if (edit.assignedUserId) await assertAssignable(this.repository, tx, tenantId, edit.assignedUserId);
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
      this.forget(tx, lead.id);
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
  ): Promise<LeadWithNextBooking> {
    this.forget(tx, lead.id);
    const row = await this.repository.update(tx, this.db.tenantId, lead.id, statusChange(lead, to));
    await this.recordMove(tx, lead, to, actorUserId, {});
    return row;
  }

  private async recordMove(
    tx: ScopedTransaction,
    lead: Lead,
    to: LeadStatus,
    actorUserId: string | null,
    metadata: { event?: LeadSystemEvent },
  ): Promise<void> {
    await this.activities.record(tx, {
      ...STATUS_ACTIVITY[to],
      title: statusTitle(to),
      description: `${lead.customerName} - ${lead.serviceType}`,
      customerId: lead.customerId,
      leadId: lead.id,
      actorUserId,
      metadata: { from: lead.status, to, ...metadata },
    });
  }

  /**
   * Locks and reads the lead, and remembers which transaction holds the row's lock, so a system move
   * later in that transaction can trust the row (`applySystemMove`).
   */
  private async lock(tx: ScopedTransaction, leadId: string): Promise<Lead | null> {
    const lead = await this.repository.lock(tx, this.db.tenantId, leadId);
    let rows = this.lockedRows.get(tx);
    if (!rows) this.lockedRows.set(tx, (rows = new Map()));
    if (lead) rows.set(lead.id, lead);
    else rows.delete(leadId);
    return lead;
  }

  private forget(tx: ScopedTransaction, leadId: string): void {
    this.lockedRows.get(tx)?.delete(leadId);
  }
}
