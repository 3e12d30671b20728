import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';

import { LeadSource, Priority } from '../../generated/prisma/enums.js';
import { IsContactEmail, IsContactPhone, IsFutureDateTime, IsHalfHours, trim } from './lead-validators.js';
import { IsDateInWindow, MAX_BOOKING_YEARS_AHEAD } from '../../core/validation/date-input.js';
import { OptionalUuid, RequiredText } from '../../core/validation/fields.js';

/**
 * The editable fields of a lead, with their rules. POST /leads (CreateLeadDto) and
 * PUT /leads/:id (ReplaceLeadDto) both take all of them; anything else in a body — status,
 * estimatedPrice, ids, timestamps — is a 400 naming it (the global pipe forbids unknown properties).
 */
export class LeadFieldsDto {
  @RequiredText(200, { example: 'Mette Jensen' })
  customerName!: string;

  @ApiPropertyOptional({
    nullable: true,
    type: String,
    example: '22 33 44 55',
    description:
      'Stored as E.164 (+45 unless it has a country code). customerPhone or customerEmail is required.',
  })
  @Transform(trim)
  @IsContactPhone()
  customerPhone?: string | null;

  @ApiPropertyOptional({ nullable: true, type: String, example: 'mette@example.dk' })
  @Transform(trim)
  @IsContactEmail()
  customerEmail?: string | null;

  @RequiredText(100, { example: 'Flytterengøring' })
  serviceType!: string;

  @RequiredText(300, { example: 'Vestergade 12, 2. th' })
  address!: string;

  @ApiProperty({ example: '8000', pattern: '^\\d{4}$' })
  @Transform(trim)
  @IsString()
  @Matches(/^\d{4}$/, { message: '$property must be a Danish postal code of 4 digits' })
  postalCode!: string;

  @RequiredText(100, { example: 'Aarhus C' })
  city!: string;

  @ApiProperty({ example: 2.5, minimum: 0.5, maximum: 24, multipleOf: 0.5 })
  @IsHalfHours()
  estimatedHours!: number;

  @ApiPropertyOptional({ enum: LeadSource, enumName: 'LeadSource', default: LeadSource.manual })
  @IsIn(Object.values(LeadSource))
  source: LeadSource = LeadSource.manual;

  @ApiPropertyOptional({ enum: Priority, enumName: 'Priority', default: Priority.medium })
  @IsIn(Object.values(Priority))
  priority: Priority = Priority.medium;

  @ApiPropertyOptional({ nullable: true, type: String, example: 'Nøglen ligger under måtten' })
  @IsOptional()
  @IsString()
  @MaxLength(5000)
  notes?: string | null;

  @OptionalUuid({ nullable: true, description: 'A member of the tenant' })
  assignedUserId?: string | null;
}

/** POST /leads (served by the bookings module, which may also book `scheduledAt` in the same transaction). */
export class CreateLeadDto extends LeadFieldsDto {
  @ApiPropertyOptional({
    format: 'date-time',
    description: `Books the lead at this time (pending, with a meeting token); must be in the future and at most ${MAX_BOOKING_YEARS_AHEAD} years from now`,
  })
  @IsOptional()
  @IsFutureDateTime()
  @IsDateInWindow({ maxYearsAhead: MAX_BOOKING_YEARS_AHEAD })
  scheduledAt?: string;

  @ApiPropertyOptional({
    nullable: true,
    type: String,
    example: 'Fynsk Revision ApS',
    description: 'The company the customer asks for: the customer becomes kind company (invoiced as one in Billy)',
  })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(200)
  companyName?: string | null;

  @ApiPropertyOptional({ nullable: true, type: String, example: '12345678', description: 'The company’s CVR: 8 digits' })
  @IsOptional()
  @Transform(trim)
  @Matches(/^\d{8}$/, { message: 'cvr must be 8 digits' })
  cvr?: string | null;
}

/** What LeadsService.createInTransaction takes: the create fields, without the booking. */
export type NewLeadInput = Omit<CreateLeadDto, 'scheduledAt'>;
