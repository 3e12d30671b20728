import { Body, Controller, Get, HttpCode, HttpStatus, Patch, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';

import { ApiErrors } from '../core/http/api-errors.decorator.js';
import { ADMIN_ROLES, Authenticated, CurrentActor, CurrentPrincipal } from '../auth/auth.decorators.js';
import type { Actor, Principal } from '../auth/principal.js';
import { CreatedTenantDto, CreateTenantDto } from './dto/create-tenant.dto.js';
import { TenantResponseDto } from './dto/tenant-response.dto.js';
import { UpdateTenantDto } from './dto/update-tenant.dto.js';
import { TenantsService } from './tenants.service.js';
import { Idempotent } from '../core/idempotency/idempotent.decorator.js';

@ApiTags('tenant')
@Controller()
export class TenantsController {
  constructor(private readonly tenants: TenantsService) {}

  @Get('tenant')
  @Authenticated()
  @ApiOkResponse({
    type: TenantResponseDto,
    description: "The caller's tenant and its settings; the mail, SMS and extraction settings for ADMIN only",
  })
  async get(@CurrentPrincipal() principal: Principal): Promise<TenantResponseDto> {
    const settings = await this.tenants.getSettings();
    return principal.role === 'admin' ? settings : settings.forMembers();
  }

  @Patch('tenant')
  @Authenticated({ roles: ADMIN_ROLES })
  @ApiOkResponse({ type: TenantResponseDto })
  @ApiErrors({
    badRequest: 'An invalid or read-only field, named in details',
    conflict: 'The SMS number or Gmail address routes another tenant',
  })
  update(@CurrentActor() actor: Actor, @Body() dto: UpdateTenantDto): Promise<TenantResponseDto> {
    return this.tenants.updateSettings(actor, dto);
  }

  @Post('tenants')
  @Idempotent()
  @HttpCode(HttpStatus.CREATED)
  @Authenticated({ superadmin: true })
  @ApiCreatedResponse({ type: CreatedTenantDto })
  @ApiErrors({ conflict: 'The slug or the admin e-mail exists' })
  create(@CurrentActor() actor: Actor, @Body() dto: CreateTenantDto): Promise<CreatedTenantDto> {
    return this.tenants.createTenant(actor, dto);
  }
}
