import { DomainError } from '../../core/http/domain-error.js';
import type { IntegrationProvider } from './credentials.providers.js';

/**
 * For integration clients: the current tenant has no usable credentials for the provider (none stored,
 * none in the environment, or stored ones that cannot be decrypted). A job should give up with this
 * reason on the timeline rather than retry.
 */
export class IntegrationNotConfiguredError extends DomainError {
  constructor(readonly provider: IntegrationProvider) {
    super('unavailable', `The ${provider} integration is not configured for this tenant`);
  }
}
