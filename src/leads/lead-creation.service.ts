import { Injectable } from '@nestjs/common';

import { ActivitiesService } from '../activities/activities.service.js';
import { isStaff, type Principal } from '../auth/principal.js';
import { TenantPrismaService, type ScopedTransaction } from '../core/database/tenant-prisma.service.js';
import { amountFor, Decimal } from '../core/money/money.js';
import { Clock } from '../core/time/clock.js';
import { CustomersService, type LeadContact } from '../customers/customers.service.js';
import type { Lead, Prisma } from '../generated/prisma/client.js';
import type { LeadSource, Priority } from '../generated/prisma/enums.js';
import type { NewLeadInput } from './dto/create-lead.dto.js';
import { assertAssignable, normalizedPhone, staffAssignsSelfOnly } from './lead-fields.js';
import { contactRequired } from './leads.errors.js';
import { LeadsRepository } from './leads.repository.js';

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
  /** The company the mail is from, when it names one; the customer becomes a company customer. */
  companyName: string | null;
  /** The company's CVR number (8 digits). */
  cvr: string | null;
}

/**
 * A new lead and the open lead of the same customer it joined, if any: that lead carries the
 * conversation (its reply and offer), so the caller sends neither again.
 */
export interface CreatedLead {
  lead: Lead;
  conversation: Lead | null;
  warnings: string[];
}

/** The line on the first lead's timeline when the same customer comes again, by the new lead's source. */
const JOINED_TITLES: Readonly<Record<LeadSource, string>> = {
  leadpoint: 'Samme kunde henvendte sig igen via Leadpoint.dk',
  leadmail: 'Samme kunde henvendte sig igen via Leadmail.no',
  booking_form: 'Samme kunde henvendte sig igen via bookingformularen',
  email: 'Samme kunde henvendte sig igen via e-mail',
  manual: 'Samme kunde blev oprettet igen af en medarbejder',
};

const DAY_MS = 24 * 60 * 60 * 1000;

/** What both kinds of new lead say about the customer; phone and e-mail come normalised. */
type ContactFields = Pick<NewLeadInput, 'customerName' | 'address' | 'postalCode' | 'city' | 'serviceType'>;

function customerContact(
  input: ContactFields & { companyName?: string | null; cvr?: string | null },
  phone: string | null,
  email: string | null,
): LeadContact {
  const company = input.companyName || input.cvr;
  return {
    name: input.customerName,
    phone,
    email,
    address: input.address,
    postalCode: input.postalCode,
    city: input.city,
    ...(company
      ? { kind: 'company' as const, companyName: input.companyName || null, cvr: input.cvr || null }
      : {}),
  };
}

/** The same contact as the lead's own columns, with what is to be done. */
function contactColumns(input: ContactFields, phone: string | null, email: string | null) {
  return {
    customerName: input.customerName,
    customerPhone: phone,
    customerEmail: email,
    address: input.address,
    postalCode: input.postalCode,
    city: input.city,
    serviceType: input.serviceType,
  };
}

/** Sources that arrive by e-mail show as e-mail on the timeline, as seed 000 logged new leads. */
const EMAIL_SOURCES: readonly LeadSource[] = ['email', 'leadmail', 'leadpoint'];

/**
 * New leads, inside the caller's transaction: typed in by a user (POST /leads, with its booking when it
 * has a requested time) or read from an e-mail by the intake. `LeadsService` hands both to other modules.
 */
@Injectable()
export class LeadCreation {
  constructor(
    private readonly repository: LeadsRepository,
    private readonly db: TenantPrismaService,
    private readonly customers: CustomersService,
    private readonly activities: ActivitiesService,
    private readonly clock: Clock,
  ) {}

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
  ): Promise<CreatedLead> {
    const tenantId = this.db.tenantId;
    const phone = normalizedPhone(input.customerPhone);
    const email = input.customerEmail?.trim() || null;
    if (!phone && !email) throw contactRequired();

    let assignedUserId = input.assignedUserId ?? null;
    if (principal && isStaff(principal)) {
      if (assignedUserId && assignedUserId !== principal.userId) throw staffAssignsSelfOnly();
      assignedUserId = principal.userId;
    } else if (assignedUserId) {
      await assertAssignable(this.repository, tx, tenantId, assignedUserId);
    }

    const hours = new Decimal(input.estimatedHours);
    const settings = await this.repository.creationSettings(tx, tenantId);
    const link = await this.customers.linkForLead(tx, customerContact(input, phone, email));
    const conversation = await this.openConversation(tx, settings.conversationDays, phone, email);
    const lead = await this.repository.create(tx, tenantId, {
      customerId: link.customerId,
      ...contactColumns(input, phone, email),
      estimatedHours: hours,
      estimatedPrice: amountFor(hours, settings.hourlyRate),
      source: input.source ?? 'manual',
      priority: input.priority ?? 'medium',
      notes: input.notes ?? null,
      assignedUserId,
      conversationLeadId: conversation?.id ?? null,
    });
    await this.activities.record(tx, {
      type: EMAIL_SOURCES.includes(lead.source) ? 'email' : 'system',
      title: 'Nyt lead oprettet',
      description: `${lead.serviceType} - ${lead.city}`,
      status: link.warnings.length > 0 ? 'warning' : 'info',
      customerId: lead.customerId,
      leadId: lead.id,
      actorUserId: principal?.userId ?? null,
      metadata: {
        source: lead.source,
        ...(conversation ? { conversationLeadId: conversation.id } : {}),
        ...(link.warnings.length > 0 ? { warnings: link.warnings } : {}),
      },
    });
    if (conversation) await this.recordJoined(tx, conversation, lead, principal?.userId ?? null);
    return { lead, conversation, warnings: link.warnings };
  }

  /**
   * A lead read from an e-mail (the intake). Unlike a lead typed in by a user, nothing may be refused:
   * a field the mail lacks stays empty and the lead needs attention, so no lead is ever lost. A second
   * import of the same message fails on the unique (tenant, sourceMessageId) and the caller stops.
   */
  async createImported(tx: ScopedTransaction, input: ImportedLeadInput): Promise<CreatedLead> {
    const tenantId = this.db.tenantId;
    const phone = normalizedPhone(input.customerPhone ?? undefined);
    const email = input.customerEmail?.trim() || null;
    const hours = input.estimatedHours === null ? null : new Decimal(input.estimatedHours);
    const settings = await this.repository.creationSettings(tx, tenantId);
    const link =
      phone || email
        ? await this.customers.linkForLead(tx, customerContact(input, phone, email))
        : { customerId: null, warnings: [] as string[] };
    const conversation = await this.openConversation(tx, settings.conversationDays, phone, email);
    const lead = await this.repository.create(tx, tenantId, {
      customerId: link.customerId,
      ...contactColumns(input, phone, email),
      estimatedHours: hours,
      estimatedPrice: hours === null ? null : amountFor(hours, settings.hourlyRate),
      source: input.source,
      priority: input.priority,
      notes: input.notes,
      sourceMessageId: input.sourceMessageId,
      extraction: input.extraction,
      emailContent: input.emailContent,
      needsAttention: input.needsAttentionReason !== null,
      needsAttentionReason: input.needsAttentionReason,
      conversationLeadId: conversation?.id ?? null,
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
        ...(conversation ? { conversationLeadId: conversation.id } : {}),
        ...(warnings.length > 0 ? { warnings } : {}),
      },
    });
    if (conversation) await this.recordJoined(tx, conversation, lead, null);
    return { lead, conversation, warnings };
  }

  /**
   * The customer's open conversation a new lead joins (docs/architecture.md, step 1): a lead with the
   * same phone or e-mail, still new or contacted, created within the tenant's conversation window.
   * Called after `linkForLead`, whose advisory locks on the phone and e-mail are held until commit:
   * two leads of one customer arriving at once (two workers, two pastes) run here one after the
   * other, and the second sees the first, so they make one conversation, never two.
   */
  private async openConversation(
    tx: ScopedTransaction,
    days: number,
    phone: string | null,
    email: string | null,
  ): Promise<Lead | null> {
    if ((!phone && !email) || days <= 0) return null;
    const since = new Date(this.clock.now().getTime() - days * DAY_MS);
    return this.repository.findConversation(tx, this.db.tenantId, { phone, email }, since);
  }

  /** The original lead's timeline names the second source, so staff see both on the lead they work. */
  private async recordJoined(
    tx: ScopedTransaction,
    conversation: Lead,
    lead: Lead,
    actorUserId: string | null,
  ): Promise<void> {
    await this.activities.record(tx, {
      type: EMAIL_SOURCES.includes(lead.source) ? 'email' : 'system',
      title: JOINED_TITLES[lead.source],
      description: `${lead.serviceType || 'Ukendt opgave'} - ${lead.city || 'ukendt by'}`,
      status: 'info',
      customerId: conversation.customerId,
      leadId: conversation.id,
      actorUserId,
      metadata: { linkedLeadId: lead.id, source: lead.source },
    });
  }
}
