import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';

import { LeadSource, Priority } from '../../generated/prisma/enums.js';
import { IsOptionalNotNull } from '../../tenants/dto/validators.js';
import { LeadFieldsDto } from './create-lead.dto.js';
import { IsEmailOrNull, IsHalfHours, IsPhoneOrNull, trim } from './lead-validators.js';
import { OptionalUuid, PatchEnum, PatchFlag, PatchText } from '../../core/validation/fields.js';

/**
 * PUT /leads/:id: a full replacement of the editable fields. Optional fields left out take their
 * create defaults (notes and assignee cleared, source manual, priority medium); needsAttention left
 * out is kept.
 */
export class ReplaceLeadDto extends LeadFieldsDto {
  @PatchFlag({ description: 'false clears the flag and its reason' })
  needsAttention?: boolean;
}

/**
 * PATCH /leads/:id: any editable field. null clears a nullable one (phone, e-mail, notes, assignee) as
 * long as the lead keeps a phone or an e-mail; the others cannot be null.
 */
export class UpdateLeadDto {
  @PatchText(200, { example: 'Mette Jensen' })
  customerName?: string;

  @ApiPropertyOptional({ nullable: true, type: String, example: '+4522334455' })
  @IsOptional()
  @Transform(trim)
  @IsPhoneOrNull()
  customerPhone?: string | null;

  @ApiPropertyOptional({ nullable: true, type: String })
  @IsOptional()
  @Transform(trim)
  @IsEmailOrNull()
  customerEmail?: string | null;

  @PatchText(100)
  serviceType?: string;

  @PatchText(300)
  address?: string;

  @ApiPropertyOptional({ pattern: '^\\d{4}$' })
  @IsOptionalNotNull()
  @Transform(trim)
  @IsString()
  @Matches(/^\d{4}$/, { message: '$property must be a Danish postal code of 4 digits' })
  postalCode?: string;

  @PatchText(100)
  city?: string;

  @ApiPropertyOptional({
    example: 3,
    minimum: 0.5,
    maximum: 24,
    multipleOf: 0.5,
    description: 'Recomputes estimatedPrice',
  })
  @IsOptionalNotNull()
  @IsHalfHours()
  estimatedHours?: number;

  @PatchEnum(LeadSource, 'LeadSource')
  source?: LeadSource;

  @PatchEnum(Priority, 'Priority')
  priority?: Priority;

  @ApiPropertyOptional({ nullable: true, type: String, example: 'Nøglen ligger under måtten' })
  @IsOptional()
  @IsString()
  @MaxLength(5000)
  notes?: string | null;

  @OptionalUuid({ nullable: true })
  assignedUserId?: string | null;

  @PatchFlag({ description: 'false clears the flag and its reason' })
  needsAttention?: boolean;
}
