import { Module } from '@nestjs/common';

import { CredentialsModule } from '../credentials/credentials.module.js';
import { GeminiClient } from './gemini.client.js';

/** The Gemini adapter alone; the lead extraction that asks it lives in the intake feature. */
@Module({
  imports: [CredentialsModule],
  providers: [GeminiClient],
  exports: [GeminiClient],
})
export class GeminiClientModule {}
