import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEnum, IsString, MaxLength, MinLength } from 'class-validator';

import { PatchText, trim } from '../../core/validation/fields.js';
import { NewPassword } from '../../core/validation/password.js';
import { IsEmailAddress } from '../../core/validation/text.js';
import { Role } from '../../generated/prisma/enums.js';

/** A link token as the e-mail carries it (43 base64url characters); bounds only, the look-up decides. */
function LinkToken() {
  return (target: object, key: string | symbol) => {
    ApiProperty({
      description: 'The token from the link in the e-mail',
      example: 'Vw3kQ0m9Zr8pLc2Xy7TfB1nHs6JdGa4uKe5oRi0WqYz',
    })(target, key);
    IsString()(target, key);
    MinLength(20)(target, key);
    MaxLength(200)(target, key);
  };
}

export class CreateInvitationDto {
  @ApiProperty({ example: 'mette@rendetalje.dk' })
  @Transform(trim)
  @IsEmailAddress()
  @MaxLength(254)
  email!: string;

  @ApiProperty({ enum: Role, enumName: 'Role', example: 'staff' })
  @IsEnum(Role)
  role!: Role;

  @PatchText(200, { example: 'Mette Jensen', description: 'Greets the invitee; they may give their own' })
  name?: string;
}

export class InvitationDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'mette@rendetalje.dk' }) email!: string;
  @ApiProperty({ type: String, nullable: true, example: 'Mette Jensen' }) name!: string | null;
  @ApiProperty({ enum: Role, enumName: 'Role' }) role!: Role;
  @ApiProperty({ format: 'date-time' }) expiresAt!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class InvitationListDto {
  @ApiProperty({
    type: [InvitationDto],
    description: 'Pending invitations (not accepted, not expired), newest first',
  })
  data!: InvitationDto[];
}

export class AcceptInvitationDto {
  @LinkToken()
  token!: string;

  @NewPassword({
    required: false,
    description: 'Required when the e-mail has no account yet; ignored when it has one',
  })
  password?: string;

  @PatchText(200, {
    example: 'Mette Jensen',
    description: "The name of a new account (default: the invitation's)",
  })
  name?: string;
}

export class AcceptedInvitationDto {
  @ApiProperty({ format: 'uuid' }) userId!: string;
  @ApiProperty() email!: string;
  @ApiProperty({ format: 'uuid' }) tenantId!: string;
  @ApiProperty() tenantName!: string;
  @ApiProperty({ enum: Role, enumName: 'Role' }) role!: Role;
  @ApiProperty({
    description: 'true when the invitation created the account; false when an existing account joined',
  })
  newAccount!: boolean;
}

export class ForgotPasswordDto {
  @ApiProperty({ example: 'mette@rendetalje.dk' })
  @Transform(trim)
  @IsEmailAddress()
  @MaxLength(254)
  email!: string;
}

export class ResetPasswordDto {
  @LinkToken()
  token!: string;

  @NewPassword()
  password!: string;
}
