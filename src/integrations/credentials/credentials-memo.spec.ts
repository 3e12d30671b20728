import { describe, expect, it } from 'vitest';

import type { Clock } from '../../core/time/clock.js';
import { CREDENTIALS_TTL_MS, CredentialsMemo, SUCCESS_MARK_INTERVAL_MS } from './credentials-memo.js';
import type { ResolvedCredentials } from './credentials.providers.js';

const TENANT = '01900000-0000-7000-8000-000000000001';
const OTHER = '01900000-0000-7000-8000-000000000002';
const twilio = {
  provider: 'twilio',
  source: 'tenant',
  credentials: { accountSid: 'AC1', authToken: 'token', phoneNumber: '+4570000001' },
} as ResolvedCredentials<'twilio'>;

function clockAt(start: number): Clock & { move(ms: number): void } {
  let at = start;
  return { now: () => new Date(at), move: (ms: number) => void (at += ms) };
}

describe('CredentialsMemo', () => {
  it('answers what it was told until the bound, then asks for a read', () => {
    const clock = clockAt(Date.UTC(2026, 11, 7, 14));
    const memo = new CredentialsMemo(clock);
    expect(memo.get(TENANT, 'twilio')).toBeUndefined();
    memo.remember(TENANT, 'twilio', twilio);
    clock.move(CREDENTIALS_TTL_MS - 1);
    expect(memo.get(TENANT, 'twilio')).toBe(twilio);
    clock.move(1);
    expect(memo.get(TENANT, 'twilio')).toBeUndefined();
  });

  it('remembers "not configured" too, per tenant and provider', () => {
    const memo = new CredentialsMemo(clockAt(0));
    memo.remember(TENANT, 'billy', null);
    expect(memo.get(TENANT, 'billy')).toBeNull();
    expect(memo.get(TENANT, 'twilio')).toBeUndefined();
    expect(memo.get(OTHER, 'billy')).toBeUndefined();
  });

  it('treats a clock moved back as expired', () => {
    const clock = clockAt(Date.UTC(2026, 11, 7, 14));
    const memo = new CredentialsMemo(clock);
    memo.remember(TENANT, 'twilio', twilio);
    clock.move(-1);
    expect(memo.get(TENANT, 'twilio')).toBeUndefined();
  });

  it('forgets at once when told', () => {
    const memo = new CredentialsMemo(clockAt(0));
    memo.remember(TENANT, 'twilio', twilio);
    memo.forget(TENANT, 'twilio');
    expect(memo.get(TENANT, 'twilio')).toBeUndefined();
  });

  it('lets one success a minute be written, and the next one at once after a failure', () => {
    const clock = clockAt(Date.UTC(2026, 11, 7, 14));
    const memo = new CredentialsMemo(clock);
    expect(memo.claimSuccessMark(TENANT, 'twilio')).toBe(true);
    expect(memo.claimSuccessMark(TENANT, 'twilio')).toBe(false);
    expect(memo.claimSuccessMark(TENANT, 'google')).toBe(true);
    clock.move(SUCCESS_MARK_INTERVAL_MS);
    expect(memo.claimSuccessMark(TENANT, 'twilio')).toBe(true);
    memo.forget(TENANT, 'twilio');
    expect(memo.claimSuccessMark(TENANT, 'twilio')).toBe(true);
    memo.releaseSuccessMark(TENANT, 'twilio');
    expect(memo.claimSuccessMark(TENANT, 'twilio')).toBe(true);
  });
});
