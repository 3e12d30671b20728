import { Injectable, type PipeTransform } from '@nestjs/common';

import {
  isIntegrationProvider,
  type IntegrationProvider,
} from '../integrations/credentials/credentials.providers.js';
import { UnknownProviderError } from './integration-settings.errors.js';

/** `:provider` in the path: exactly one of the lower-case provider names, else a 400 naming `provider`. */
@Injectable()
export class ParseIntegrationProviderPipe implements PipeTransform<unknown, IntegrationProvider> {
  transform(value: unknown): IntegrationProvider {
    if (!isIntegrationProvider(value)) throw new UnknownProviderError();
    return value;
  }
}
