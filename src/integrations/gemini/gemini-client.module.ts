import { Module } from '@nestjs/common';

import { CredentialsModule } from '../credentials/credentials.module.js';
import { GEMINI_CLIENT, GoogleGeminiClient } from './gemini.client.js';

/** The Gemini adapter alone; the lead extraction that asks it lives in the intake feature. */
@Module({
  imports: [CredentialsModule],
  providers: [{ provide: GEMINI_CLIENT, useClass: GoogleGeminiClient }],
  exports: [GEMINI_CLIENT],
})
export class GeminiClientModule {}
