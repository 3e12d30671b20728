import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength, MinLength } from 'class-validator';

/** Long enough to resist guessing, short enough that hashing it cannot be used to tie up the CPU. */
export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;

/**
 * A password someone chooses (a new account, an invitation, a reset, a change): the one policy every
 * route that sets a password checks. Logging in checks nothing but bounds: an old password may predate
 * the policy.
 */
export function NewPassword(options: { required?: boolean; description?: string } = {}) {
  const { required = true, description } = options;
  return (target: object, key: string | symbol) => {
    const api = {
      minLength: PASSWORD_MIN_LENGTH,
      maxLength: PASSWORD_MAX_LENGTH,
      example: 'Sæbe-og-spand-2027',
      description,
    };
    (required ? ApiProperty(api) : ApiPropertyOptional(api))(target, key);
    if (!required) IsOptional()(target, key);
    IsString()(target, key);
    MinLength(PASSWORD_MIN_LENGTH, {
      message: `${String(key)} must be at least ${PASSWORD_MIN_LENGTH} characters`,
    })(target, key);
    MaxLength(PASSWORD_MAX_LENGTH)(target, key);
  };
}
