import { Body, Controller, Get, Headers, HttpCode, Ip, Param, Post, Put } from '@nestjs/common';
import {
  ApiBody,
  ApiExtraModels,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';

import { ApiErrors } from '../core/http/api-errors.decorator.js';
import { ADMIN_ROLES, Authenticated, CurrentPrincipal } from '../auth/auth.decorators.js';
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
import { IntegrationAccountDto, toIntegrationAccountDto } from './dto/integration-account.dto.js';
import { GmailWatch, type WatchDto } from '../intake/gmail-watch.service.js';
import { ParseIntegrationProviderPipe } from './integration-provider.pipe.js';
import { IntegrationSettingsService } from './integration-settings.service.js';

@ApiTags('integrations')
@ApiExtraModels(GoogleCredentialsDto, TwilioCredentialsDto, BillyCredentialsDto, GeminiCredentialsDto)
@Controller('integrations')
// The class keeps its name: it prefixes the routes' OpenAPI operation ids, which clients may use.
export class CredentialsController {
  constructor(
    private readonly credentials: IntegrationSettingsService,
    private readonly gmailWatch: GmailWatch,
  ) {}

  @Post('google/watch')
  @HttpCode(200)
  @Authenticated({ roles: ADMIN_ROLES })
  @ApiOperation({ summary: 'Start (or renew) the Gmail watch: Gmail pushes new mail to PUBSUB_TOPIC' })
  @ApiOkResponse({ description: '`{ historyId, watchExpiresAt }`' })
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
    @Ip() ip: string,
    @Headers('user-agent') userAgent?: string,
  ): Promise<IntegrationAccountDto> {
    const status = await this.credentials.configure(provider, body, {
      userId: principal.userId,
      ip,
      userAgent,
    });
    return toIntegrationAccountDto(status);
  }
}
