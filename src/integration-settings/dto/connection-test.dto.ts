import { ApiProperty } from '@nestjs/swagger';

import {
  INTEGRATION_PROVIDERS,
  type IntegrationProvider,
} from '../../integrations/credentials/credentials.providers.js';

/** The answer of POST /integrations/:provider/test. */
export class ConnectionTestDto {
  @ApiProperty({ enum: INTEGRATION_PROVIDERS, example: 'billy' })
  provider!: IntegrationProvider;

  @ApiProperty({ description: 'Whether the harmless call to the provider worked' })
  ok!: boolean;

  @ApiProperty({
    type: String,
    nullable: true,
    description:
      'Null when it worked; else a stable code: credentials_rejected, access_denied, provider_unreachable, provider_unavailable, provider_rate_limited, request_rejected, not_found, not_configured, credentials_unreadable, internal_error',
    example: 'credentials_rejected',
  })
  code!: string | null;

  @ApiProperty({
    description: 'One Danish sentence for the admin: what answered, or what went wrong',
    example: 'Billy afviste adgangen; forbind igen under Integrationer',
  })
  detail!: string;
}

/** The answer of GET /integrations/google/connect when asked for JSON. */
export class ConsentUrlDto {
  @ApiProperty({
    description: "Google's consent page for this admin; open it in the browser (valid 10 minutes)",
  })
  url!: string;
}

/** The answer of POST /integrations/google/watch. */
export class GmailWatchDto {
  @ApiProperty({ description: "Gmail's history id the watch starts from", example: '1234567' })
  historyId!: string;

  @ApiProperty({ format: 'date-time', description: 'When Gmail stops pushing unless the watch is renewed' })
  watchExpiresAt!: string;
}
