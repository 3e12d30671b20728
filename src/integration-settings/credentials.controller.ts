import {
  Body,
  Controller,
  Delete,
  Get,
  Headers,
  HttpCode,
  Param,
  Post,
  Put,
  Query,
  Res,
} from '@nestjs/common';
import {
  ApiBody,
  ApiExtraModels,
  ApiFoundResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiProduces,
  ApiQuery,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';

import { ApiErrors } from '../core/http/api-errors.decorator.js';
import { RequestClient, type RequestClientInfo } from '../core/http/request-client.js';
import { ADMIN_ROLES, Authenticated, CurrentPrincipal, Public } from '../auth/auth.decorators.js';
import type { Principal } from '../auth/principal.js';
import {
  INTEGRATION_PROVIDERS,
  type IntegrationProvider,
} from '../integrations/credentials/credentials.providers.js';
import {
  BillyCredentialsDto,
  GeminiCredentialsDto,
  GoogleCredentialsDto,
  TwilioCredentialsDto,
} from './dto/credentials-input.dto.js';
import { ConnectionTestDto, ConsentUrlDto, GmailWatchDto } from './dto/connection-test.dto.js';
import { IntegrationAccountDto, toIntegrationAccountDto } from './dto/integration-account.dto.js';
import { GmailWatch, type WatchDto } from '../intake/gmail-watch.service.js';
import { renderConsentPage } from './google-consent.page.js';
import { GoogleConsent } from './google-consent.service.js';
import { ParseIntegrationProviderPipe } from './integration-provider.pipe.js';
import { IntegrationConnections } from './integration-connections.service.js';
import { IntegrationSettingsService } from './integration-settings.service.js';

@ApiTags('integrations')
@ApiExtraModels(GoogleCredentialsDto, TwilioCredentialsDto, BillyCredentialsDto, GeminiCredentialsDto)
@Controller('integrations')
// The class keeps its name: it prefixes the routes' OpenAPI operation ids, which clients may use.
export class CredentialsController {
  constructor(
    private readonly credentials: IntegrationSettingsService,
    private readonly gmailWatch: GmailWatch,
    private readonly consent: GoogleConsent,
    private readonly connections: IntegrationConnections,
  ) {}

  @Get('google/connect')
  @Authenticated({ roles: ADMIN_ROLES })
  @ApiOperation({
    summary: "Start connecting the tenant's own Google account by consent",
    description:
      "A browser cannot send the bearer token on a plain navigation, so a dashboard calls this with `Accept: application/json` and gets `{ url }`, then sends the browser (a new window or the same tab) to that URL. Without JSON in Accept the answer is a 302 to Google's consent page. Google sends the browser back to GET /integrations/google/callback, which answers a small Danish page. The URL is good for 10 minutes and one use.",
  })
  @ApiOkResponse({ type: ConsentUrlDto, description: 'With `Accept: application/json`' })
  @ApiFoundResponse({ description: "Otherwise: `Location` is Google's consent page" })
  @ApiErrors({
    unavailable: 'The server has no Google OAuth client (GOOGLE_CLIENT_ID/SECRET), or Redis is down',
  })
  async connect(
    @CurrentPrincipal() principal: Principal,
    @Res() reply: FastifyReply,
    @Headers('accept') accept?: string,
  ): Promise<void> {
    const url = await this.consent.start(principal.tenantId, principal.userId);
    if (accept?.includes('application/json')) {
      await reply.status(200).header('cache-control', 'no-store').send({ url });
      return;
    }
    await reply.status(302).header('cache-control', 'no-store').header('location', url).send();
  }

  @Get('google/callback')
  @Public()
  @ApiOperation({
    summary: "Google's redirect after consent (register it as the OAuth client's redirect URI)",
    description:
      'Public: the signed, single-use `state` names the tenant and admin. Stores the refresh token encrypted (as PUT /integrations/google does), records the mailbox address and starts the Gmail watch. Answers a small Danish HTML page; `<body data-outcome>` names the outcome (connected, denied, expired_state, used_state, invalid_state, missing_code, exchange_failed, no_refresh_token, profile_failed, google_error, not_configured, unavailable).',
  })
  @ApiQuery({ name: 'code', required: false })
  @ApiQuery({ name: 'state', required: false })
  @ApiQuery({ name: 'error', required: false, description: 'access_denied when the user said no' })
  @ApiProduces('text/html')
  @ApiOkResponse({
    description: 'Connected, or the user refused: the page says which',
    content: { 'text/html': { schema: { type: 'string' } } },
  })
  @ApiErrors({ badRequest: 'A missing, forged, expired or already used state (the page says which)' })
  async callback(
    @Res() reply: FastifyReply,
    @RequestClient() client: RequestClientInfo,
    @Query('code') code?: unknown,
    @Query('state') state?: unknown,
    @Query('error') error?: unknown,
  ): Promise<void> {
    const outcome = await this.consent.finish(
      { code: single(code), state: single(state), error: single(error) },
      client,
    );
    const page = renderConsentPage(outcome);
    await reply
      .status(page.status)
      .header('content-type', 'text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      // The URL carried the code: no Referer with it to anything the page might load.
      .header('referrer-policy', 'no-referrer')
      .send(page.html);
  }

  @Post(':provider/test')
  @HttpCode(200)
  @Authenticated({ roles: ADMIN_ROLES })
  @ApiOperation({
    summary: "Test the tenant's credentials with one harmless call",
    description:
      "Google: Gmail users.getProfile and a free/busy read of the primary calendar; Twilio: the account; Billy: GET /organization; Gemini: models.get. The outcome is recorded as the integration's health in GET /integrations (a rejected key sets needsAttention). Always 200: `ok` says whether it worked.",
  })
  @ApiParam({ name: 'provider', enum: INTEGRATION_PROVIDERS })
  @ApiOkResponse({ type: ConnectionTestDto })
  @ApiErrors({ badRequest: 'Unknown provider' })
  test(
    @Param('provider', ParseIntegrationProviderPipe) provider: IntegrationProvider,
  ): Promise<ConnectionTestDto> {
    return this.connections.test(provider);
  }

  @Delete(':provider')
  @HttpCode(204)
  @Authenticated({ roles: ADMIN_ROLES })
  @ApiOperation({
    summary: "Disconnect: forget the tenant's stored credentials for the provider",
    description:
      "Google: also stops the Gmail watch and revokes the grant at Google (best effort). Idempotent: 204 whether or not anything was stored. Credentials from the server's environment (the seeded tenant) stay in use.",
  })
  @ApiParam({ name: 'provider', enum: INTEGRATION_PROVIDERS })
  @ApiNoContentResponse({ description: 'Nothing stored for the provider any more' })
  @ApiErrors({ badRequest: 'Unknown provider' })
  async disconnect(
    @Param('provider', ParseIntegrationProviderPipe) provider: IntegrationProvider,
    @CurrentPrincipal() principal: Principal,
    @RequestClient() client: RequestClientInfo,
  ): Promise<void> {
    await this.connections.disconnect(provider, { userId: principal.userId, ...client });
  }

  @Post('google/watch')
  @HttpCode(200)
  @Authenticated({ roles: ADMIN_ROLES })
  @ApiOperation({ summary: 'Start (or renew) the Gmail watch: Gmail pushes new mail to PUBSUB_TOPIC' })
  @ApiOkResponse({ type: GmailWatchDto })
  @ApiErrors({
    unavailable: 'Google is not connected, or Gmail did not start the watch (`details.code` says why)',
  })
  watch(): Promise<WatchDto> {
    return this.gmailWatch.start();
  }

  @Get()
  @Authenticated({ roles: ADMIN_ROLES })
  @ApiOperation({ summary: 'Every integration of the tenant, configured or not; never any secret' })
  @ApiOkResponse({ type: IntegrationAccountDto, isArray: true })
  async list(): Promise<IntegrationAccountDto[]> {
    const statuses = await this.credentials.listIntegrations();
    return statuses.map(toIntegrationAccountDto);
  }

  @Put(':provider')
  @HttpCode(200)
  @Authenticated({ roles: ADMIN_ROLES })
  @ApiOperation({ summary: "Store the tenant's credentials for one provider (secrets are encrypted)" })
  @ApiParam({ name: 'provider', enum: INTEGRATION_PROVIDERS })
  @ApiBody({
    description: 'The body of the provider in the path',
    schema: {
      oneOf: [GoogleCredentialsDto, TwilioCredentialsDto, BillyCredentialsDto, GeminiCredentialsDto].map(
        (dto) => ({ $ref: getSchemaPath(dto) }),
      ),
    },
  })
  @ApiOkResponse({ type: IntegrationAccountDto })
  @ApiErrors({ badRequest: 'Unknown provider, or a body that does not fit it (details name each field)' })
  async configure(
    @Param('provider', ParseIntegrationProviderPipe) provider: IntegrationProvider,
    // Validated against the provider's DTO by the service: the global pipe cannot know which one applies.
    @Body() body: unknown,
    @CurrentPrincipal() principal: Principal,
    @RequestClient() client: RequestClientInfo,
  ): Promise<IntegrationAccountDto> {
    const status = await this.credentials.configure(provider, body, { userId: principal.userId, ...client });
    return toIntegrationAccountDto(status);
  }
}

/** A query parameter given once; a repeated one (an array) counts as absent. */
function single(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
