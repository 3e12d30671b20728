import { UnrecoverableError } from 'bullmq';

import type { CredentialsService } from '../../credentials/credentials.service.js';
import { GmailError, GmailNotConfiguredError } from '../gmail.client.js';

/**
 * Runs a Gmail job step and turns its failure into what BullMQ should do (DESIGN.md section 4): revoked
 * credentials mark the mailbox as needing attention and stop (no retry can fix them); a request Gmail
 * rejects stops; rate limits, 5xx and network failures are recorded and thrown for a retry with backoff.
 */
export async function runGmailStep<T>(credentials: CredentialsService, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    if (error instanceof GmailNotConfiguredError) throw new UnrecoverableError(error.message);
    if (!(error instanceof GmailError)) throw error;
    if (error.kind === 'revoked') {
      await credentials.recordFailure(
        'google',
        `Gmail afviste adgangen (forbind Google igen): ${error.message}`,
        {
          needsAttention: true,
        },
      );
      throw new UnrecoverableError(`Gmail access revoked: ${error.message}`);
    }
    await credentials.recordFailure('google', error.message);
    if (error.kind === 'rejected')
      throw new UnrecoverableError(`Gmail rejected the request: ${error.message}`);
    throw error;
  }
}
