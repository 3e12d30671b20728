import { Module } from '@nestjs/common';

import { BILLY_CLIENT_OPTIONS, BillyClientFactory, DEFAULT_BILLY_CLIENT_OPTIONS } from './billy.client.js';

/** The outbound Billy client (layer 2: depends on core only). The invoices feature drives it. */
@Module({
  providers: [
    BillyClientFactory,
    // A fresh object per app, so a test that shortens the timeout of its app changes nothing else.
    { provide: BILLY_CLIENT_OPTIONS, useFactory: () => ({ ...DEFAULT_BILLY_CLIENT_OPTIONS }) },
  ],
  exports: [BillyClientFactory, BILLY_CLIENT_OPTIONS],
})
export class BillyModule {}
