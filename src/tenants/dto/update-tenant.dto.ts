import { ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsEnum,
  IsInt,
  IsISO4217CurrencyCode,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  Max,
  Min,
} from 'class-validator';

import { BillyInvoiceState } from '../../generated/prisma/enums.js';
import {
  ClosedDaysDto,
  CustomerNoticesDto,
  ExtractionRulesDto,
  SlotRulesDto,
  SeriesRulesDto,
  SmsRulesDto,
  WorkingHoursDto,
} from './tenant-settings.dto.js';
import { IsE164, IsHostname, IsIanaTimeZone, IsMoney, IsOptionalNotNull, IsPercent } from './validators.js';
import { IsEmailAddress } from '../../core/validation/text.js';
import { PatchNested } from '../../core/validation/fields.js';

/**
 * PATCH /tenant. Only editable settings are here: id, slug and the timestamps are left out on purpose,
 * so the global pipe answers a body naming them with a 400 that names the field. A JSON setting is
 * replaced whole. Columns that must have a value refuse null; smsNumber and gmailAddress take null to
 * clear them.
 */
export class UpdateTenantDto {
  @ApiPropertyOptional({ example: 'Rendetalje' })
  @IsOptionalNotNull()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ example: 'Europe/Copenhagen' })
  @IsOptionalNotNull()
  @IsIanaTimeZone()
  timezone?: string;

  @ApiPropertyOptional({ example: 'DKK' })
  @IsOptionalNotNull()
  @IsISO4217CurrencyCode()
  currency?: string;

  @ApiPropertyOptional({ example: '349.00', description: 'Per hour excl. VAT, a string with two decimals' })
  @IsOptionalNotNull()
  @IsMoney()
  hourlyRate?: string;

  @ApiPropertyOptional({ example: '25.00', description: 'Percent, "0.00" to "100.00"' })
  @IsOptionalNotNull()
  @IsPercent()
  vatRate?: string;

  @ApiPropertyOptional({ example: 14, minimum: 0, maximum: 365 })
  @IsOptionalNotNull()
  @IsInt()
  @Min(0)
  @Max(365)
  paymentTermsDays?: number;

  @ApiPropertyOptional({ enum: BillyInvoiceState })
  @IsOptionalNotNull()
  @IsEnum(BillyInvoiceState)
  billyInvoiceState?: BillyInvoiceState;

  @PatchNested(WorkingHoursDto)
  workingHours?: WorkingHoursDto;

  @PatchNested(SlotRulesDto)
  slotRules?: SlotRulesDto;

  @PatchNested(ClosedDaysDto)
  closedDays?: ClosedDaysDto;

  @PatchNested(ExtractionRulesDto)
  extractionRules?: ExtractionRulesDto;

  @PatchNested(SmsRulesDto)
  smsRules?: SmsRulesDto;

  @PatchNested(SeriesRulesDto, { description: 'Replaced whole: every field must be named' })
  seriesRules?: SeriesRulesDto;

  @PatchNested(CustomerNoticesDto, {
    description: 'Replaced whole: every kind must be named. false stops that SMS and e-mail to customers.',
  })
  customerNotices?: CustomerNoticesDto;

  @ApiPropertyOptional({ type: [String], example: ['leadpoint.dk'], description: 'Lower-case domains' })
  @IsOptionalNotNull()
  @IsArray()
  @ArrayMaxSize(100)
  @ArrayUnique()
  @IsHostname({ each: true })
  leadSenderDomains?: string[];

  @ApiPropertyOptional({ example: '+4512345678', nullable: true, description: 'E.164; null clears it' })
  @IsOptional()
  @IsE164()
  smsNumber?: string | null;

  @ApiPropertyOptional({ example: 'info@rendetalje.dk', nullable: true, description: 'null clears it' })
  @IsOptional()
  @IsEmailAddress()
  @MaxLength(254)
  gmailAddress?: string | null;

  @ApiPropertyOptional({
    example: 'kontor@rendetalje.dk',
    nullable: true,
    description: 'Where staff notifications are e-mailed; null: the feed only',
  })
  @IsOptional()
  @IsEmailAddress()
  @MaxLength(254)
  notificationEmail?: string | null;

  @ApiPropertyOptional({
    example: 240,
    minimum: 0,
    maximum: 10080,
    description: 'Minutes an SMS offer waits for an answer before its one reminder text; 0 sends none',
  })
  @IsOptionalNotNull()
  @IsInt()
  @Min(0)
  @Max(10080)
  offerReminderMinutes?: number;

  @ApiPropertyOptional({
    example: 24,
    minimum: 0,
    maximum: 720,
    description:
      'A customer may cancel through their booking link or AFLYS free of charge until this many hours before the booking starts',
  })
  @IsOptionalNotNull()
  @IsInt()
  @Min(0)
  @Max(720)
  freeCancellationHours?: number;

  @ApiPropertyOptional({
    example: 25000,
    minimum: 0,
    maximum: 10_000_000,
    description:
      'The fee in øre excl. VAT (like hourlyRate) put on the invoice when the customer cancels later than freeCancellationHours; 0: no fee',
  })
  @IsOptionalNotNull()
  @IsInt()
  @Min(0)
  @Max(10_000_000)
  lateCancellationFeeOre?: number;

  @ApiPropertyOptional({
    example: 7,
    minimum: 0,
    maximum: 90,
    description:
      'Days back a new lead of a customer with an open (new or contacted) lead joins it instead of ' +
      'getting a second reply and SMS offer; 0 never joins',
  })
  @IsOptionalNotNull()
  @IsInt()
  @Min(0)
  @Max(90)
  conversationDays?: number;

  @ApiPropertyOptional({ example: '12345678', nullable: true, description: 'CVR: 8 digits; null clears it' })
  @IsOptional()
  @Matches(/^\d{8}$/, { message: 'cvr must be 8 digits' })
  cvr?: string | null;

  @ApiPropertyOptional({
    example: 'Vestergade 1, 8000 Aarhus C',
    nullable: true,
    description: 'The postal address printed on invoices, one line; null clears it',
  })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  address?: string | null;

  @ApiPropertyOptional({
    example: '1234',
    nullable: true,
    description: 'Bank registration number (4 digits), for payment by transfer; null clears it',
  })
  @IsOptional()
  @Matches(/^\d{4}$/, { message: 'bankRegNo must be 4 digits' })
  bankRegNo?: string | null;

  @ApiPropertyOptional({
    example: '0012345678',
    nullable: true,
    description: 'Bank account number (1 to 10 digits), with bankRegNo; null clears it',
  })
  @IsOptional()
  @Matches(/^\d{1,10}$/, { message: 'bankAccountNo must be 1 to 10 digits' })
  bankAccountNo?: string | null;

  @ApiPropertyOptional({
    example: '87654321',
    nullable: true,
    description: 'FIK creditor number for +71 payment slips (8 digits); null clears it',
  })
  @IsOptional()
  @Matches(/^\d{8}$/, { message: 'fikCreditorNo must be 8 digits' })
  fikCreditorNo?: string | null;

  @ApiPropertyOptional({
    example: '12345',
    nullable: true,
    description: 'MobilePay number (MobilePay Box or phone, 4 to 8 digits); null clears it',
  })
  @IsOptional()
  @Matches(/^\d{4,8}$/, { message: 'mobilePayNumber must be 4 to 8 digits' })
  mobilePayNumber?: string | null;
}
