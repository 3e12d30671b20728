import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEnum, MaxLength } from 'class-validator';

import type { Membership, User } from '../../generated/prisma/client.js';
import { Role } from '../../generated/prisma/enums.js';
import { PageOf } from '../../core/http/pagination.js';
import { IsOptionalNotNull } from './validators.js';
import { NewPassword } from '../../core/validation/password.js';
import { IsEmailAddress } from '../../core/validation/text.js';
import { PatchFlag, PatchText, RequiredText, trim } from '../../core/validation/fields.js';

export class CreateUserDto {
  @ApiProperty({ example: 'mette@rendetalje.dk' })
  @Transform(trim)
  @IsEmailAddress()
  @MaxLength(254)
  email!: string;

  @RequiredText(200, { example: 'Mette Jensen' })
  name!: string;

  @NewPassword()
  password!: string;

  @ApiProperty({ enum: Role, example: 'staff' })
  @IsEnum(Role)
  role!: Role;
}

/** PATCH /users/:id: any of name, role and active; e-mail and password are the user's own business. */
export class UpdateUserDto {
  @PatchText(200, { example: 'Mette Jensen' })
  name?: string;

  @ApiPropertyOptional({ enum: Role })
  @IsOptionalNotNull()
  @IsEnum(Role)
  role?: Role;

  @PatchFlag({ description: 'false deactivates the user and ends all their sessions' })
  active?: boolean;
}

/** A member of the caller's tenant: the user with their role in this tenant. */
export class UserResponseDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'mette@rendetalje.dk' }) email!: string;
  @ApiProperty({ example: 'Mette Jensen' }) name!: string;
  @ApiProperty({ enum: Role }) role!: Role;
  @ApiProperty() active!: boolean;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;

  static from(member: Membership & { user: User }): UserResponseDto {
    return Object.assign(new UserResponseDto(), {
      id: member.user.id,
      email: member.user.email,
      name: member.user.name,
      role: member.role,
      // Active here: a member of this tenant whose account is not disabled everywhere.
      active: member.active && member.user.active,
      // When they joined this tenant: the account's own age is another tenant's business.
      createdAt: member.createdAt.toISOString(),
    });
  }
}

export class UserPageDto extends PageOf(UserResponseDto) {}
