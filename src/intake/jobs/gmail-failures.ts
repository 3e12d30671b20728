import type { CredentialsService } from '../../integrations/credentials/credentials.service.js';
import { isIntegrationError } from '../../integrations/integration-error.js';
import { failureOf, giveUp } from '../../integrations/provider-failure.js';

/**
 * Runs a Gmail job step and turns a failure into what BullMQ should do (docs/architecture.md, Jobs): revoked
 * credentials mark the mailbox as needing attention and stop (no retry can fix them); a request Gmail
 * rejects stops; rate limits, 5xx and network failures are recorded and thrown for a retry with backoff.
 */
export async function runGmailStep<T>(credentials: CredentialsService, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    if (!isIntegrationError(error, 'Gmail', 'Google')) throw error;
    if (error.kind === 'not_configured') throw giveUp(error);
    // Admins see the summary of the failure's kind; Gmail's own words stay in the job's log line.
    const failure = failureOf(error);
    if (error.kind === 'needs_attention') {
      await credentials.recordFailure('google', failure, { needsAttention: true });
      throw giveUp(error, `Gmail access revoked: ${error.message}`);
    }
    await credentials.recordFailure('google', failure);
    if (error.kind === 'give_up') throw giveUp(error, `Gmail rejected the request: ${error.message}`);
    throw error;
  }
}
