import { Module } from '@nestjs/common';

import {
  BILLY_CLIENT_OPTIONS,
  BILLY_GATEWAY,
  BillyRestGateway,
  DEFAULT_BILLY_CLIENT_OPTIONS,
} from './billy.client.js';

/** The Billy port (token BILLY_GATEWAY) and its REST adapter; the invoices feature drives it. */
@Module({
  providers: [
    { provide: BILLY_GATEWAY, useClass: BillyRestGateway },
    // A fresh object per app, so a test that shortens the timeout of its app changes nothing else.
    { provide: BILLY_CLIENT_OPTIONS, useFactory: () => ({ ...DEFAULT_BILLY_CLIENT_OPTIONS }) },
  ],
  exports: [BILLY_GATEWAY, BILLY_CLIENT_OPTIONS],
})
export class BillyModule {}
