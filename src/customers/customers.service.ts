import { Injectable } from '@nestjs/common';

import { Clock } from '../core/time/clock.js';

import { type Principal, visibleOnlyTo } from '../auth/principal.js';
import { TenantPrismaService, type ScopedTransaction } from '../core/database/tenant-prisma.service.js';
import { paginated, parseSort } from '../core/http/pagination.js';
import type { Customer } from '../generated/prisma/client.js';
import { CustomersRepository, type CustomerVisibility, type NewCustomer } from './customers.repository.js';
import { CustomerNotFoundError } from './customers.errors.js';
import {
  CustomerDetailDto,
  CustomerDto,
  type CustomerPageDto,
  type CustomerQueryDto,
} from './dto/customer.dto.js';

/** The contact a lead carries, already normalised (phone in E.164): what a new customer is made of. */
export type LeadContact = NewCustomer;

export interface CustomerLink {
  customerId: string;
  /** Human-readable notes on a phone/e-mail conflict, for the API answer and the lead's activity. */
  warnings: string[];
}

const SORTABLE = ['createdAt', 'name'] as const;

@Injectable()
export class CustomersService {
  constructor(
    private readonly repository: CustomersRepository,
    private readonly db: TenantPrismaService,
    private readonly clock: Clock,
  ) {}

  async list(principal: Principal, query: CustomerQueryDto): Promise<CustomerPageDto> {
    const orderBy = parseSort(query.sort, SORTABLE, { field: 'createdAt', direction: 'desc' });
    const page = await this.repository.page(
      this.db.tenantId,
      { search: query.search || undefined, ...visibilityOf(principal) },
      orderBy,
      query.skip,
      query.pageSize,
    );
    return paginated(query, page, CustomerDto.from);
  }

  async get(principal: Principal, customerId: string): Promise<CustomerDetailDto> {
    const row = await this.repository.findDetail(
      this.db.tenantId,
      customerId,
      visibilityOf(principal),
      this.clock.now(),
    );
    if (!row) throw new CustomerNotFoundError();
    return CustomerDetailDto.fromDetail(row);
  }

  /**
   * The customer a lead belongs to, inside the caller's transaction: the one with the lead's phone,
   * else the one with its e-mail (citext: any case), else a new one. When the phone and the e-mail
   * point different ways, the phone wins (it is what the crew calls) and a warning says so.
   */
  async linkForLead(tx: ScopedTransaction, contact: LeadContact): Promise<CustomerLink> {
    const tenantId = this.db.tenantId;
    const { phone, email } = contact;
    const keys = [phone ? `phone:${phone}` : null, email ? `email:${email.toLowerCase()}` : null].filter(
      (key): key is string => key !== null,
    );
    await this.repository.lockContactKeys(tx, tenantId, keys);

    const byPhone = phone ? await this.repository.findByPhone(tx, tenantId, phone) : null;
    const byEmail = email ? await this.repository.findByEmail(tx, tenantId, email) : null;
    const warnings: string[] = [];

    if (byPhone) {
      if (email && byEmail && byEmail.id !== byPhone.id) {
        warnings.push(
          `The e-mail ${email} belongs to customer "${byEmail.name}", the phone ${phone} to customer ` +
            `"${byPhone.name}"; the lead is linked to the phone's customer`,
        );
      } else if (email && byPhone.email && byPhone.email.toLowerCase() !== email.toLowerCase()) {
        warnings.push(
          `The phone ${phone} belongs to customer "${byPhone.name}" with the e-mail ${byPhone.email}, not ` +
            `${email}; the lead is linked to the phone's customer`,
        );
      }
      await this.fillMissing(tx, byPhone, { email: warnings.length === 0 ? email : null, ...place(contact) });
      return { customerId: byPhone.id, warnings };
    }
    if (byEmail) {
      // No customer has this phone (the lookup above, under the lock), so it can go on this one.
      await this.fillMissing(tx, byEmail, { phone: byEmail.phone ? null : phone, ...place(contact) });
      return { customerId: byEmail.id, warnings };
    }

    const created = await this.repository.createUnlessPhoneTaken(tx, tenantId, { ...contact });
    if (created) return { customerId: created.id, warnings };
    // Only a writer that skipped the lock (a seed, a migration) can win the race; its customer is ours.
    const winner = phone ? await this.repository.findByPhone(tx, tenantId, phone) : null;
    if (!winner) throw new Error('Customer insert skipped as a duplicate, but no customer has the phone');
    return { customerId: winner.id, warnings };
  }

  /**
   * Completes a found customer with what the lead knows and the customer does not; never overwrites.
   * A lead from a company makes a person customer a company one (its name and CVR), so the invoice
   * and the Billy contact carry them; a company customer stays one whatever later leads say.
   */
  private async fillMissing(
    tx: ScopedTransaction,
    customer: Customer,
    known: Partial<LeadContact>,
  ): Promise<void> {
    const data: Partial<LeadContact> = {};
    for (const field of ['email', 'phone', 'address', 'postalCode', 'city', 'companyName', 'cvr'] as const) {
      const value = known[field];
      if (value && !customer[field]) data[field] = value;
    }
    if (known.kind === 'company' && customer.kind !== 'company') data.kind = 'company';
    if (Object.keys(data).length > 0)
      await this.repository.fillMissing(tx, this.db.tenantId, customer.id, data);
  }
}

/** Where the customer lives, and the company it is, if the lead names one. */
const place = (contact: LeadContact) => ({
  address: contact.address,
  postalCode: contact.postalCode,
  city: contact.city,
  ...(contact.kind === 'company'
    ? { kind: contact.kind, companyName: contact.companyName, cvr: contact.cvr }
    : {}),
});

/** STAFF see a customer only through a lead assigned to them (docs/architecture.md, Tenancy). */
function visibilityOf(principal: Principal): CustomerVisibility {
  const assignedUserId = visibleOnlyTo(principal);
  return assignedUserId ? { assignedUserId } : {};
}
