import type { Type } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';

import type { IntegrationProvider } from '../../integrations/credentials/credentials.providers.js';
import { IsEmailAddress } from '../../core/validation/text.js';
import { RequiredText, trim } from '../../core/validation/fields.js';

/**
 * Bodies of PUT /integrations/:provider, one class per provider. The route validates the body against
 * the class of the provider in the path (CredentialsService.configure), with the global pipe's rules:
 * unknown properties are refused, each bad field is named.
 */

/** Pasted keys often carry a stray space or newline; it would only fail later, at the vendor. */
const Trim = () => Transform(trim);

/** A secret: required text, stored encrypted and never answered, so OpenAPI marks it write-only. */
const Secret = (maxLength: number, example: string) =>
  RequiredText(maxLength, {
    description: 'Secret: stored encrypted, never returned',
    writeOnly: true,
    maxLength,
    example,
  });

export class TwilioCredentialsDto {
  @ApiProperty({ example: 'AC0123456789abcdef0123456789abcdef', pattern: '^AC[0-9a-f]{32}$' })
  @Trim()
  @IsString()
  @Matches(/^AC[0-9a-f]{32}$/, { message: 'accountSid must be "AC" followed by 32 lower-case hex digits' })
  accountSid!: string;

  @ApiProperty({ description: 'Secret: stored encrypted, never returned', writeOnly: true })
  @Trim()
  @IsString()
  @Matches(/^[0-9a-fA-F]{32}$/, { message: 'authToken must be 32 hex digits' })
  authToken!: string;

  @ApiProperty({ example: '+4570000000', description: 'E.164' })
  @Trim()
  @IsString()
  @Matches(/^\+[1-9]\d{1,14}$/, { message: 'phoneNumber must be an E.164 number such as +4570000000' })
  phoneNumber!: string;
}

export class BillyCredentialsDto {
  @Secret(200, 'auth-token-from-the-twilio-console')
  apiKey!: string;

  @RequiredText(200, { example: 'pwR0y5ZbTmSxa3CV4cdGTg', maxLength: 200 })
  organizationId!: string;
}

export class GoogleCredentialsDto {
  @RequiredText(500, { example: '1234567890-abc.apps.googleusercontent.com', maxLength: 500 })
  clientId!: string;

  @Secret(500, 'access-token-from-billy-settings')
  clientSecret!: string;

  @Secret(2000, 'client-secret-from-google-cloud')
  refreshToken!: string;

  @ApiProperty({ example: 'info@rendetalje.dk' })
  @Trim()
  @IsEmailAddress()
  @MaxLength(254)
  gmailAddress!: string;
}

export class GeminiCredentialsDto {
  @Secret(200, 'refresh-token-from-the-consent-flow')
  apiKey!: string;

  @ApiPropertyOptional({ example: 'gemini-2.5-flash', description: 'Defaults to GEMINI_MODEL' })
  @IsOptional()
  @Trim()
  @IsString()
  @MaxLength(100)
  // The model name becomes part of the vendor URL path, so only a plain model id is accepted.
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, { message: 'model must be a model id such as gemini-2.5-flash' })
  model?: string;
}

export const CREDENTIALS_INPUT_DTOS: { [P in IntegrationProvider]: Type<object> } = {
  google: GoogleCredentialsDto,
  twilio: TwilioCredentialsDto,
  billy: BillyCredentialsDto,
  gemini: GeminiCredentialsDto,
};
