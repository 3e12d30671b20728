import { ApiProperty } from '@nestjs/swagger';

import type { Tenant } from '../../generated/prisma/client.js';
import { BillyInvoiceState } from '../../generated/prisma/enums.js';
import {
  tenantRules,
  type ClosedDays,
  type CustomerNotices,
  type ExtractionRules,
  type SeriesRules,
  type SlotRules,
  type SmsRules,
  type WorkingHours,
} from '../tenant-defaults.js';
import {
  ClosedDaysDto,
  CustomerNoticesDto,
  ExtractionRulesDto,
  SlotRulesDto,
  SeriesRulesDto,
  SmsRulesDto,
  WorkingHoursDto,
} from './tenant-settings.dto.js';

/** A tenant's settings as GET /tenant answers them: money as strings with two decimals, ISO times. */
export class TenantResponseDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'Rendetalje' }) name!: string;
  @ApiProperty({ example: 'rendetalje' }) slug!: string;
  @ApiProperty({ example: 'Europe/Copenhagen' }) timezone!: string;
  @ApiProperty({ example: 'DKK' }) currency!: string;
  @ApiProperty({ example: '349.00', description: 'Per hour excl. VAT' }) hourlyRate!: string;
  @ApiProperty({ example: '25.00' }) vatRate!: string;
  @ApiProperty({ example: 14 }) paymentTermsDays!: number;
  @ApiProperty({ enum: BillyInvoiceState }) billyInvoiceState!: BillyInvoiceState;
  @ApiProperty({ type: WorkingHoursDto }) workingHours!: WorkingHours;
  @ApiProperty({ type: SlotRulesDto }) slotRules!: SlotRules;
  @ApiProperty({ type: ClosedDaysDto }) closedDays!: ClosedDays;
  @ApiProperty({ type: ExtractionRulesDto }) extractionRules!: ExtractionRules;
  @ApiProperty({ type: SmsRulesDto }) smsRules!: SmsRules;
  @ApiProperty({ type: SeriesRulesDto }) seriesRules!: SeriesRules;
  @ApiProperty({ type: CustomerNoticesDto }) customerNotices!: CustomerNotices;
  @ApiProperty({ type: [String], example: ['leadpoint.dk'] }) leadSenderDomains!: string[];
  @ApiProperty({ type: String, nullable: true, example: '+4512345678' }) smsNumber!: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'info@rendetalje.dk' }) gmailAddress!: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'kontor@rendetalje.dk' })
  notificationEmail!: string | null;
  @ApiProperty({ example: 240 }) offerReminderMinutes!: number;
  @ApiProperty({
    example: 24,
    description: 'Hours before the start a customer may still cancel free of charge',
  })
  freeCancellationHours!: number;
  @ApiProperty({ example: 25000, description: 'Øre excl. VAT charged for a later cancellation; 0: none' })
  lateCancellationFeeOre!: number;
  @ApiProperty({ example: 7, description: 'Days back a new lead joins the same customer’s open lead' })
  conversationDays!: number;
  @ApiProperty({ type: String, nullable: true, example: '12345678' }) cvr!: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'Vestergade 1, 8000 Aarhus C' })
  address!: string | null;
  @ApiProperty({ type: String, nullable: true, example: '1234' }) bankRegNo!: string | null;
  @ApiProperty({ type: String, nullable: true, example: '0012345678' }) bankAccountNo!: string | null;
  @ApiProperty({ type: String, nullable: true, example: '87654321' }) fikCreditorNo!: string | null;
  @ApiProperty({ type: String, nullable: true, example: '12345' }) mobilePayNumber!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;

  /**
   * What every member may see (the role matrix gives tenant settings to ADMIN): name, zone, rates and
   * opening hours for the dashboard, without the mailbox, SMS number, sender list and rules.
   */
  forMembers(): TenantResponseDto {
    const {
      extractionRules: _extraction,
      smsRules: _sms,
      seriesRules: _series,
      customerNotices: _notices,
      leadSenderDomains: _senders,
      smsNumber: _smsNumber,
      gmailAddress: _gmail,
      notificationEmail: _notificationEmail,
      offerReminderMinutes: _offerReminder,
      freeCancellationHours: _freeCancellation,
      lateCancellationFeeOre: _lateFee,
      conversationDays: _conversationDays,
      billyInvoiceState: _billy,
      cvr: _cvr,
      address: _address,
      bankRegNo: _regNo,
      bankAccountNo: _accountNo,
      fikCreditorNo: _fik,
      mobilePayNumber: _mobilePay,
      ...visible
    } = this;
    return Object.assign(new TenantResponseDto(), visible);
  }

  static from(tenant: Tenant): TenantResponseDto {
    return Object.assign(new TenantResponseDto(), {
      id: tenant.id,
      name: tenant.name,
      slug: tenant.slug,
      timezone: tenant.timezone,
      currency: tenant.currency,
      hourlyRate: tenant.hourlyRate.toFixed(2),
      vatRate: tenant.vatRate.toFixed(2),
      paymentTermsDays: tenant.paymentTermsDays,
      billyInvoiceState: tenant.billyInvoiceState,
      ...tenantRules(tenant),
      leadSenderDomains: tenant.leadSenderDomains,
      smsNumber: tenant.smsNumber,
      gmailAddress: tenant.gmailAddress,
      notificationEmail: tenant.notificationEmail,
      offerReminderMinutes: tenant.offerReminderMinutes,
      freeCancellationHours: tenant.freeCancellationHours,
      lateCancellationFeeOre: tenant.lateCancellationFeeOre,
      conversationDays: tenant.conversationDays,
      cvr: tenant.cvr,
      address: tenant.address,
      bankRegNo: tenant.bankRegNo,
      bankAccountNo: tenant.bankAccountNo,
      fikCreditorNo: tenant.fikCreditorNo,
      mobilePayNumber: tenant.mobilePayNumber,
      createdAt: tenant.createdAt.toISOString(),
      updatedAt: tenant.updatedAt.toISOString(),
    });
  }
}
