import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, IsUUID, MaxLength, MinLength } from 'class-validator';

import { Role } from '../../generated/prisma/enums.js';
import { PatchText } from '../../core/validation/fields.js';
import { NewPassword } from '../../core/validation/password.js';
import { IsEmailAddress } from '../../core/validation/text.js';

export class LoginDto {
  @ApiProperty({ example: 'admin@rendetalje.dk' })
  @IsEmailAddress()
  @MaxLength(254)
  email!: string;

  @ApiProperty({ example: 'RenOS-demo-2026!' })
  @IsString()
  @MinLength(1)
  @MaxLength(256)
  password!: string;
}

export class RefreshDto {
  @ApiProperty()
  @IsString()
  @MinLength(20)
  @MaxLength(200)
  refreshToken!: string;
}

export class SwitchTenantDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  tenantId!: string;
}

export class ChangePasswordDto {
  @ApiProperty({ example: 'RenOS-demo-2026!' })
  @IsString()
  @MinLength(1)
  @MaxLength(256)
  currentPassword!: string;

  @NewPassword()
  newPassword!: string;
}

/** PATCH /auth/me: the caller's own name and password. A new password needs the current one. */
export class UpdateMeDto {
  @PatchText(200, { example: 'Mette Jensen' })
  name?: string;

  @ApiPropertyOptional({ description: 'Required with newPassword' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(256)
  currentPassword?: string;

  @ApiPropertyOptional({
    minLength: 12,
    description: 'Every other session of the user ends; this one continues',
  })
  @IsOptional()
  @IsString()
  @MinLength(12, { message: 'newPassword must be at least 12 characters' })
  @MaxLength(256)
  newPassword?: string;
}

export class SessionUserDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() email!: string;
  @ApiProperty() name!: string;
  @ApiProperty() isSuperadmin!: boolean;
}

export class TenantAccessDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() slug!: string;
  @ApiProperty({ enum: Role, enumName: 'Role' }) role!: Role;
}

export class MeDto {
  @ApiProperty({ type: SessionUserDto }) user!: SessionUserDto;
  @ApiProperty({ type: TenantAccessDto, description: 'The tenant the token acts for, with the role in it' })
  tenant!: TenantAccessDto;
  @ApiProperty({ type: [TenantAccessDto] }) tenants!: TenantAccessDto[];
}

export class SessionDto extends MeDto {
  @ApiProperty() accessToken!: string;
  @ApiProperty() refreshToken!: string;
  @ApiProperty({ description: 'Seconds until the access token expires', example: 900 }) expiresIn!: number;
}

export class LogoutDto {
  @ApiProperty({
    required: false,
    description: 'Ends the family of this refresh token (default: the current session)',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  refreshToken?: string;
}
