import { UnrecoverableError } from 'bullmq';
import { describe, expect, it } from 'vitest';

import { CalendarUnavailableError } from '../calendar/calendar.errors.js';
import { DomainError } from '../core/http/domain-error.js';
import { IntegrationNotConfiguredError } from './credentials/credentials.errors.js';
import { IntegrationError, type IntegrationErrorInit } from './integration-error.js';
import { billyHttpError, billyTrouble } from './billy/billy.errors.js';
import { toGmailError } from './gmail/gmail.client.js';
import { toCalendarError } from './google-calendar/google-calendar.gateway.js';
import { describeFailure, describeProviderFailure, giveUp } from './provider-failure.js';
import { classifyTwilioError } from './twilio/twilio.client.js';

/** What vendors and the network say; none of it may reach a user. */
const RAW = 'connect ECONNREFUSED 127.0.0.1:9 (POST /v1/invoices) {"errorMessage":"x"}';

type Detail = Omit<IntegrationErrorInit, 'provider' | 'kind' | 'message'>;
const error =
  (provider: IntegrationErrorInit['provider']) =>
  (kind: IntegrationErrorInit['kind'], detail: Detail = {}) =>
    new IntegrationError({ provider, kind, message: RAW, ...detail });
const twilio = error('Twilio');
const gmail = error('Gmail');
const calendar = error('Google Kalender');
const billy = error('Billy');

describe('provider failures in our words', () => {
  it.each([
    [
      twilio('retry', { vendorCode: null, httpStatus: null }),
      'provider_unreachable',
      'Twilio kunne ikke nås',
    ],
    [twilio('retry', { vendorCode: 20429, httpStatus: 429 }), 'provider_rate_limited', 'Twilio'],
    [twilio('retry', { vendorCode: 20500, httpStatus: 500 }), 'provider_unavailable', 'Twilio'],
    [twilio('needs_attention', { vendorCode: 20003, httpStatus: 401 }), 'credentials_rejected', 'Twilio'],
    [twilio('give_up', { vendorCode: 21211, httpStatus: 400 }), 'request_rejected', 'Twilio'],
    [twilio('opted_out', { vendorCode: 21610, httpStatus: 400 }), 'recipient_opted_out', 'SMS'],
    [gmail('needs_attention'), 'credentials_rejected', 'Gmail'],
    [gmail('not_found'), 'not_found', 'Gmail'],
    [gmail('give_up'), 'request_rejected', 'Gmail'],
    [gmail('retry', { trouble: 'unavailable' }), 'provider_unavailable', 'Gmail'],
    [error('Google')('not_configured'), 'not_configured', 'Google'],
    [calendar('retry'), 'provider_unreachable', 'Google Kalender kunne ikke nås'],
    [calendar('retry', { httpStatus: 503 }), 'provider_unavailable', 'Google Kalender'],
    [calendar('retry', { httpStatus: 403 }), 'provider_rate_limited', 'Google Kalender'],
    [calendar('needs_attention', { httpStatus: 401 }), 'credentials_rejected', 'Google Kalender'],
    [
      calendar('needs_attention', { httpStatus: 403, accessDenied: true }),
      'access_denied',
      'Google Kalender',
    ],
    [calendar('not_found', { httpStatus: 410, gone: true }), 'not_found', 'Google Kalender'],
    [calendar('give_up', { httpStatus: 400 }), 'request_rejected', 'Google Kalender'],
    [calendar('conflict', { httpStatus: 409 }), 'request_rejected', 'Google Kalender'],
    [billy('retry'), 'provider_unreachable', 'Billy kunne ikke nås'],
    [billy('retry', { trouble: 'unreachable' }), 'provider_unreachable', 'Billy'],
    [billy('retry', { httpStatus: 503 }), 'provider_unavailable', 'Billy'],
    [billy('retry', { trouble: 'unavailable' }), 'provider_unavailable', 'Billy'],
    [billy('retry', { httpStatus: 429, retryAfterSeconds: 2 }), 'provider_rate_limited', 'Billy'],
    [billy('needs_attention', { httpStatus: 401 }), 'credentials_rejected', 'Billy'],
    [billy('give_up', { httpStatus: 422 }), 'request_rejected', 'Billy'],
    [billy('not_found', { httpStatus: 404 }), 'not_found', 'Billy'],
    [new IntegrationNotConfiguredError('twilio'), 'not_configured', 'Twilio'],
  ] as const)('%s → %s', (cause, code, words) => {
    const failure = describeProviderFailure(cause)!;
    expect(failure.code).toBe(code);
    expect(failure.message).toContain(words);
    expect(failure.message).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|invoices|errorMessage/);
  });

  // What each adapter makes of what its vendor says reads as it did before the shared error: the
  // per-vendor mappings (Gmail's passing trouble always "svarede ikke som forventet", Billy's unusable
  // 200 answer too, a calendar 403 rate limit as rate limited) must not drift.
  it.each([
    [classifyTwilioError(new Error(RAW)), 'provider_unreachable'],
    [classifyTwilioError({ status: 429, code: 20429, message: RAW }), 'provider_rate_limited'],
    [classifyTwilioError({ status: 503, code: 20503, message: RAW }), 'provider_unavailable'],
    [classifyTwilioError({ status: 403, code: 20003, message: RAW }), 'credentials_rejected'],
    [classifyTwilioError({ status: 400, code: 21211, message: RAW }), 'request_rejected'],
    [classifyTwilioError({ status: 400, code: 21610, message: RAW }), 'recipient_opted_out'],
    [toGmailError(new Error(RAW)), 'provider_unavailable'],
    [toGmailError({ response: { status: 429 } }), 'provider_unavailable'],
    [
      toGmailError({
        response: { status: 403, data: { error: { errors: [{ reason: 'rateLimitExceeded' }] } } },
      }),
      'provider_unavailable',
    ],
    [toGmailError({ response: { status: 400, data: { error: 'invalid_grant' } } }), 'credentials_rejected'],
    [toGmailError({ response: { status: 403 } }), 'request_rejected'],
    [toGmailError({ response: { status: 404 } }), 'not_found'],
    [toCalendarError(new Error(RAW)), 'provider_unreachable'],
    [toCalendarError({ response: { status: 408 } }), 'provider_unreachable'],
    [
      toCalendarError({
        response: { status: 403, data: { error: { errors: [{ reason: 'rateLimitExceeded' }] } } },
      }),
      'provider_rate_limited',
    ],
    [
      toCalendarError({ response: { status: 403, data: { error: { errors: [{ reason: 'forbidden' }] } } } }),
      'access_denied',
    ],
    [
      toCalendarError({ response: { status: 400, data: { error: 'invalid_grant' } } }),
      'credentials_rejected',
    ],
    [toCalendarError({ response: { status: 409 } }), 'request_rejected'],
    [toCalendarError({ response: { status: 410 } }), 'not_found'],
    [billyTrouble('unreachable', RAW), 'provider_unreachable'],
    [billyTrouble('unavailable', RAW), 'provider_unavailable'],
    [billyHttpError(429, RAW, undefined, 3), 'provider_rate_limited'],
    [billyHttpError(502, RAW), 'provider_unavailable'],
    [billyHttpError(403, RAW), 'credentials_rejected'],
    [billyHttpError(422, RAW, 'VALIDATION_ERROR'), 'request_rejected'],
    [billyHttpError(404, RAW), 'not_found'],
  ] as const)('the adapters: %s → %s', (cause, code) => {
    expect(describeProviderFailure(cause)?.code).toBe(code);
  });

  it('reads the vendor error behind a job that gave up, or behind our own error', () => {
    const cause = twilio('retry', { vendorCode: null, httpStatus: null });
    const stopped = giveUp(cause);
    expect(stopped).toBeInstanceOf(UnrecoverableError);
    expect(stopped.message).toBe(RAW);
    expect(describeFailure(stopped)).toEqual({
      code: 'provider_unreachable',
      message: 'Twilio kunne ikke nås',
    });
    const unavailable = new CalendarUnavailableError('Google Calendar did not answer', calendar('retry'));
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
