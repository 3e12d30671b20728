import { Module } from '@nestjs/common';

import { CustomersController } from './customers.controller.js';
import { CustomersRepository } from './customers.repository.js';
import { CustomersService } from './customers.service.js';

/**
 * The people behind the leads. Below leads in the feature layer: leads link to customers through
 * CustomersService.linkForLead; customers know nothing of the leads module.
 */
@Module({
  controllers: [CustomersController],
  providers: [CustomersRepository, CustomersService],
  exports: [CustomersService],
})
export class CustomersModule {}
