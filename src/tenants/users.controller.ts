import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  Patch,
  Post,
  Query,
} from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';

import { ApiErrors } from '../core/http/api-errors.decorator.js';
import { ADMIN_ROLES, Authenticated, CurrentActor } from '../auth/auth.decorators.js';
import type { Actor } from '../auth/principal.js';
import { IdParamDto } from './dto/id-param.dto.js';
import { PaginationQueryDto } from '../core/http/pagination.js';
import { CreateUserDto, UpdateUserDto, UserPageDto, UserResponseDto } from './dto/user.dto.js';
import { UsersService } from './users.service.js';
import { Idempotent } from '../core/idempotency/idempotent.decorator.js';

@ApiTags('tenant')
@Controller('users')
@Authenticated({ roles: ADMIN_ROLES })
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get()
  @ApiOkResponse({ type: UserPageDto })
  list(@Query() query: PaginationQueryDto): Promise<UserPageDto> {
    return this.users.list(query);
  }

  @Post()
  @Idempotent()
  @ApiCreatedResponse({
    type: UserResponseDto,
    description:
      'The member: a new user, or the existing account of that e-mail (its password and name unchanged)',
  })
  @ApiErrors({ conflict: 'The e-mail is already a member of this tenant' })
  create(@CurrentActor() actor: Actor, @Body() dto: CreateUserDto): Promise<UserResponseDto> {
    return this.users.create(actor, dto);
  }

  @Patch(':id')
  @ApiOkResponse({ type: UserResponseDto })
  @ApiErrors({
    notFound: 'No such user in this tenant',
    conflict: 'Demoting or deactivating yourself or the last active admin',
  })
  update(
    @CurrentActor() actor: Actor,
    @Param() params: IdParamDto,
    @Body() dto: UpdateUserDto,
  ): Promise<UserResponseDto> {
    return this.users.update(actor, params.id, dto);
  }

  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse({
    description: 'The user no longer belongs to this tenant; their sessions are ended',
  })
  @ApiErrors({
    notFound: 'No such user in this tenant',
    conflict: 'Removing yourself or the last active admin',
  })
  remove(@CurrentActor() actor: Actor, @Param() params: IdParamDto): Promise<void> {
    return this.users.remove(actor, params.id);
  }
}
