import { ApiProperty } from '@nestjs/swagger';

import {
  INTEGRATION_PROVIDERS,
  type CredentialSource,
  type IntegrationProvider,
} from '../../integrations/credentials/credentials.providers.js';
import type { IntegrationStatus } from '../../integrations/credentials/credentials.service.js';

/**
 * One integration as the API shows it. It carries no secret of any kind (not even masked): only the
 * non-secret settings of credentials.providers.ts, and the health of the connection.
 */
export class IntegrationAccountDto {
  @ApiProperty({ enum: INTEGRATION_PROVIDERS, example: 'twilio' })
  provider!: IntegrationProvider;

  @ApiProperty({ description: 'Usable credentials exist, stored for the tenant or from the environment' })
  configured!: boolean;

  @ApiProperty({
    enum: ['tenant', 'environment'],
    nullable: true,
    type: String,
    description: 'Where the credentials in use come from; null when not configured',
  })
  source!: CredentialSource | null;

  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string' },
    description:
      'Non-secret settings: accountSid, phoneNumber, organizationId, clientId, gmailAddress, model',
    example: { accountSid: 'AC0123456789abcdef0123456789abcdef', phoneNumber: '+4570000000' },
  })
  settings!: Record<string, string>;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  lastSuccessAt!: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  lastErrorAt!: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    description:
      "What went wrong last, in Danish, the same for every failure of its code; never the vendor's own text",
    example: 'Twilio kunne ikke nås',
  })
  lastError!: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    description:
      'The stable code of lastError: provider_unreachable, provider_unavailable, provider_rate_limited, credentials_rejected, access_denied, request_rejected, not_found, recipient_opted_out, not_configured, credentials_unreadable, internal_error',
    example: 'provider_unreachable',
  })
  lastErrorCode!: string | null;

  @ApiProperty({ description: 'An admin must act (credentials rejected or unreadable)' })
  needsAttention!: boolean;

  @ApiProperty({ type: String, nullable: true, description: 'Gmail history cursor (google only)' })
  gmailHistoryId!: string | null;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'Gmail watch expiry (google only)',
  })
  watchExpiresAt!: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  updatedAt!: string | null;
}

const iso = (date: Date | null): string | null => (date ? date.toISOString() : null);

export function toIntegrationAccountDto(status: IntegrationStatus): IntegrationAccountDto {
  return {
    provider: status.provider,
    configured: status.configured,
    source: status.source,
    settings: { ...status.settings },
    lastSuccessAt: iso(status.lastSuccessAt),
    lastErrorAt: iso(status.lastErrorAt),
    lastError: status.lastError,
    lastErrorCode: status.lastErrorCode,
    needsAttention: status.needsAttention,
    gmailHistoryId: status.gmailHistoryId,
    watchExpiresAt: iso(status.watchExpiresAt),
    updatedAt: iso(status.updatedAt),
  };
}
