import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsNotEmpty, IsString, Matches, MaxLength, MinLength } from 'class-validator';

import { TenantResponseDto } from './tenant-response.dto.js';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from './user.dto.js';
import { SLUG_PATTERN } from './validators.js';
import { IsEmailAddress } from '../../core/validation/text.js';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

/** POST /tenants (superadmin): the tenant and its first ADMIN. */
export class CreateTenantDto {
  @ApiProperty({ example: 'Rendetalje' })
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
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

  @ApiProperty({ minLength: PASSWORD_MIN_LENGTH, maxLength: PASSWORD_MAX_LENGTH })
  @IsString()
  @MinLength(PASSWORD_MIN_LENGTH)
  @MaxLength(PASSWORD_MAX_LENGTH)
  adminPassword!: string;

  @ApiProperty({ example: 'Mette Jensen' })
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
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
