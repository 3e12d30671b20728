import { UnrecoverableError } from 'bullmq';
import { describe, expect, it } from 'vitest';

import { CalendarGatewayError } from './google-calendar/calendar.gateway.js';
import { CalendarUnavailableError } from '../calendar/calendar.errors.js';
import { DomainError } from '../core/http/domain-error.js';
import { BillyError } from './billy/billy.errors.js';
import { GmailError, GmailNotConfiguredError } from './gmail/gmail.client.js';
import { SmsSendError } from './twilio/twilio.client.js';
import { IntegrationNotConfiguredError } from './credentials/credentials.errors.js';
import { describeFailure, describeProviderFailure, giveUp } from './provider-failure.js';

/** What vendors and the network say; none of it may reach a user. */
const RAW = 'connect ECONNREFUSED 127.0.0.1:9 (POST /v1/invoices) {"errorMessage":"x"}';

describe('provider failures in our words', () => {
  it.each([
    [new SmsSendError('retry', RAW, null, null), 'provider_unreachable', 'Twilio kunne ikke nås'],
    [new SmsSendError('retry', RAW, 20429, 429), 'provider_rate_limited', 'Twilio'],
    [new SmsSendError('retry', RAW, 20500, 500), 'provider_unavailable', 'Twilio'],
    [new SmsSendError('needs_attention', RAW, 20003, 401), 'credentials_rejected', 'Twilio'],
    [new SmsSendError('give_up', RAW, 21211, 400), 'request_rejected', 'Twilio'],
    [new SmsSendError('opted_out', RAW, 21610, 400), 'recipient_opted_out', 'SMS'],
    [new GmailError('revoked', RAW), 'credentials_rejected', 'Gmail'],
    [new GmailError('not_found', RAW), 'not_found', 'Gmail'],
    [new GmailError('rejected', RAW), 'request_rejected', 'Gmail'],
    [new GmailError('transient', RAW), 'provider_unavailable', 'Gmail'],
    [new GmailNotConfiguredError(), 'not_configured', 'Google'],
    [new CalendarGatewayError('retry', RAW), 'provider_unreachable', 'Google Kalender kunne ikke nås'],
    [new CalendarGatewayError('retry', RAW, 503), 'provider_unavailable', 'Google Kalender'],
    [new CalendarGatewayError('retry', RAW, 403), 'provider_rate_limited', 'Google Kalender'],
    [new CalendarGatewayError('credentials', RAW, 401), 'credentials_rejected', 'Google Kalender'],
    [new CalendarGatewayError('forbidden', RAW, 403), 'access_denied', 'Google Kalender'],
    [new CalendarGatewayError('gone', RAW, 410), 'not_found', 'Google Kalender'],
    [new CalendarGatewayError('invalid', RAW, 400), 'request_rejected', 'Google Kalender'],
    [new BillyError('network', RAW), 'provider_unreachable', 'Billy kunne ikke nås'],
    [new BillyError('timeout', RAW), 'provider_unreachable', 'Billy'],
    [new BillyError('unavailable', RAW, 503), 'provider_unavailable', 'Billy'],
    [new BillyError('rate_limited', RAW, 429), 'provider_rate_limited', 'Billy'],
    [new BillyError('auth', RAW, 401), 'credentials_rejected', 'Billy'],
    [new BillyError('validation', RAW, 422), 'request_rejected', 'Billy'],
    [new BillyError('not_found', RAW, 404), 'not_found', 'Billy'],
    [new IntegrationNotConfiguredError('twilio'), 'not_configured', 'Twilio'],
  ] as const)('%s → %s', (error, code, words) => {
    const failure = describeProviderFailure(error)!;
    expect(failure.code).toBe(code);
    expect(failure.message).toContain(words);
    expect(failure.message).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|invoices|errorMessage/);
  });

  it('reads the vendor error behind a job that gave up, or behind our own error', () => {
    const cause = new SmsSendError('retry', RAW, null, null);
    const stopped = giveUp(cause);
    expect(stopped).toBeInstanceOf(UnrecoverableError);
    expect(stopped.message).toBe(RAW);
    expect(describeFailure(stopped)).toEqual({
      code: 'provider_unreachable',
      message: 'Twilio kunne ikke nås',
    });
    const unavailable = new CalendarUnavailableError(
      'Google Calendar did not answer',
      new CalendarGatewayError('retry', RAW),
    );
    expect(describeFailure(unavailable).code).toBe('provider_unreachable');
  });

  it('keeps our own domain errors, and hides anything else as an internal error', () => {
    expect(describeFailure(new DomainError('conflict', 'The lead has no phone'))).toEqual({
      code: 'conflict',
      message: 'The lead has no phone',
    });
    const internal = describeFailure(new Error(RAW));
    expect(internal.code).toBe('internal_error');
    expect(internal.message).not.toContain('ECONNREFUSED');
    expect(describeFailure(undefined).code).toBe('internal_error');
  });
});
