import { Module } from '@nestjs/common';

import { CredentialsModule } from '../credentials/credentials.module.js';
import { GeminiClient } from './gemini/gemini.client.js';
import { LeadExtractor } from './lead-extractor.service.js';

/** Lead extraction: Gemini behind its client, cross-checked by the portal parsers. */
@Module({
  imports: [CredentialsModule],
  providers: [GeminiClient, LeadExtractor],
  exports: [LeadExtractor],
})
export class AiModule {}
