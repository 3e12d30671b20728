import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { environmentSchema } from '../../src/core/config/config.schema.js';
import { STATUS_CALLBACK_PATH } from '../../src/sms/sms.service.js';

const guide = readFileSync('docs/going-live.md', 'utf8');

/** Names the guide writes in backticks that look like environment variables. */
const namedVariables = [...guide.matchAll(/`([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)(?:=[^`]*)?`/g)].map((m) => m[1]!);

describe('docs/going-live.md', () => {
  it('is linked from the README', () => {
    expect(readFileSync('README.md', 'utf8')).toContain('](docs/going-live.md)');
  });

  it('names only variables the app reads (and POSTGRES_PASSWORD of compose, NODE_OPTIONS of Node itself), with the exact names', () => {
    // PROJECT_NUMBER is the guide's placeholder for the Google Cloud project's number.
    const known = new Set([
      ...Object.keys(environmentSchema.shape),
      'POSTGRES_PASSWORD',
      'PROJECT_NUMBER',
      'NODE_OPTIONS',
    ]);
    expect(namedVariables.length).toBeGreaterThan(20);
    expect(namedVariables.filter((name) => !known.has(name))).toEqual([]);
  });

  it('says which step fills each Google, Pub/Sub, Twilio, Billy and Gemini variable', () => {
    const providerVariables = Object.keys(environmentSchema.shape).filter(
      (name) =>
        /^(GOOGLE_|GMAIL_|PUBSUB_|TWILIO_|BILLY_|GEMINI_)/.test(name) &&
        !name.endsWith('_BASE_URL') &&
        !/_(TOKEN|CERTS)_URL$/.test(name),
    );
    expect(providerVariables.filter((name) => !namedVariables.includes(name))).toEqual([]);
  });

  it('gives the webhook paths the app serves', () => {
    expect(guide).toContain('/api/webhooks/gmail');
    expect(guide).toContain('/api/webhooks/twilio/sms');
    expect(guide).toContain(STATUS_CALLBACK_PATH);
  });
});
