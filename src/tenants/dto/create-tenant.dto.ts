import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsString, Matches, MaxLength } from 'class-validator';

import { TenantResponseDto } from './tenant-response.dto.js';
import { NewPassword } from '../../core/validation/password.js';
import { SLUG_PATTERN } from './validators.js';
import { IsEmailAddress } from '../../core/validation/text.js';
import { RequiredText, trim } from '../../core/validation/fields.js';

/** POST /tenants (superadmin): the tenant and its first ADMIN. */
export class CreateTenantDto {
  @RequiredText(200, { example: 'Rendetalje' })
  name!: string;

  @ApiProperty({ example: 'rendetalje', pattern: SLUG_PATTERN.source })
  @IsString()
  @MaxLength(63)
  @Matches(SLUG_PATTERN, { message: 'slug must be lower-case letters, digits and single hyphens' })
  slug!: string;

  @ApiProperty({ example: 'admin@rendetalje.dk' })
  @Transform(trim)
  @IsEmailAddress()
  @MaxLength(254)
  adminEmail!: string;

  @NewPassword()
  adminPassword!: string;

  @RequiredText(200, { example: 'Mette Jensen' })
  adminName!: string;
}

export class TenantAdminDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() email!: string;
  @ApiProperty() name!: string;
}

export class CreatedTenantDto {
  @ApiProperty({ type: TenantResponseDto }) tenant!: TenantResponseDto;
  @ApiProperty({ type: TenantAdminDto }) admin!: TenantAdminDto;
}
