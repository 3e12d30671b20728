import { Module } from '@nestjs/common';

import { AuthModule } from '../auth/auth.module.js';
import { TeamsController } from './teams.controller.js';
import { TenantProfileService } from './tenant-profile.service.js';
import { TeamsService } from './teams.service.js';
import { TenantsController } from './tenants.controller.js';
import { TenantsRepository } from './tenants.repository.js';
import { TenantsService } from './tenants.service.js';
import { UsersController } from './users.controller.js';
import { UsersService } from './users.service.js';

/**
 * Tenant administration (/tenant, /users, /teams, POST /tenants): the tenant's settings, its users and roles,
 * its teams, and the creation of tenants by a superadmin. AuthModule provides the audit log and the
 * session revocation that deactivating or removing a user needs.
 */
@Module({
  imports: [AuthModule],
  controllers: [TenantsController, UsersController, TeamsController],
  providers: [TenantsRepository, TenantsService, UsersService, TeamsService, TenantProfileService],
  exports: [TenantsService, TeamsService, TenantProfileService],
})
export class TenantsModule {}
