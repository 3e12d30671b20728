import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';

import { ApiErrors } from '../core/http/api-errors.decorator.js';
import { Authenticated, CurrentPrincipal } from '../auth/auth.decorators.js';
import type { Principal } from '../auth/principal.js';
import { IdParamDto } from '../tenants/dto/id-param.dto.js';
import { CustomersService } from './customers.service.js';
import { CustomerDetailDto, CustomerPageDto, CustomerQueryDto } from './dto/customer.dto.js';

/** Customers are made by leads (linked by phone, else e-mail); the API only reads them. */
@ApiTags('customers')
@Controller('customers')
@Authenticated()
export class CustomersController {
  constructor(private readonly customers: CustomersService) {}

  @Get()
  @ApiOkResponse({ type: CustomerPageDto })
  list(@CurrentPrincipal() principal: Principal, @Query() query: CustomerQueryDto): Promise<CustomerPageDto> {
    return this.customers.list(principal, query);
  }

  @Get(':id')
  @ApiOkResponse({ type: CustomerDetailDto })
  @ApiErrors({ notFound: 'No such customer in this tenant (or, for STAFF, none of theirs)' })
  get(@CurrentPrincipal() principal: Principal, @Param() params: IdParamDto): Promise<CustomerDetailDto> {
    return this.customers.get(principal, params.id);
  }
}
