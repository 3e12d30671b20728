import { describe, expect, it } from 'vitest';

import { classifyTwilioError } from '../../src/integrations/twilio/twilio.client.js';
import { smsStatusOf, statusesBefore } from '../../src/sms/sms.service.js';

describe('SMS delivery status', () => {
  it.each([
    ['accepted', 'queued'],
    ['queued', 'queued'],
    ['sending', 'queued'],
    ['sent', 'sent'],
    ['delivery_unknown', 'sent'],
    ['delivered', 'delivered'],
    ['read', 'delivered'],
    ['undelivered', 'undelivered'],
    ['failed', 'failed'],
    ['canceled', 'failed'],
    ['bogus', null],
  ])("Twilio's %s is our %s", (twilio, ours) => {
    expect(smsStatusOf(twilio)).toBe(ours);
  });

  it('moves only forward: a final state is never left, sent never follows delivered', () => {
    expect(statusesBefore('sent')).toEqual(['queued']);
    expect(statusesBefore('delivered').sort()).toEqual(['queued', 'sent']);
    expect(statusesBefore('undelivered').sort()).toEqual(['queued', 'sent']);
    expect(statusesBefore('failed')).not.toContain('delivered');
    expect(statusesBefore('queued')).toEqual([]);
  });
});

describe('Twilio error mapping', () => {
  it.each([
    [{ status: 400, code: 21610, message: 'Attempt to send to unsubscribed recipient' }, 'opted_out'],
    [{ status: 401, code: 20003, message: 'Authenticate' }, 'needs_attention'],
    [{ status: 400, code: 21211, message: "The 'To' number is not a valid phone number." }, 'give_up'],
    [{ status: 400, code: 21614, message: 'To number is not a mobile number' }, 'give_up'],
    [{ status: 429, code: 20429, message: 'Too Many Requests' }, 'retry'],
    [{ status: 503, code: 20503, message: 'Service Unavailable' }, 'retry'],
    [Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), 'retry'],
  ])('%j → %s', (error, kind) => {
    expect(classifyTwilioError(error).kind).toBe(kind);
  });

  it('names the code but nothing secret', () => {
    const mapped = classifyTwilioError({ status: 401, code: 20003, message: 'Authenticate' });
    expect(mapped.message).toBe('Twilio 20003: Authenticate');
    expect(mapped).toMatchObject({ provider: 'Twilio', vendorCode: 20003, httpStatus: 401 });
  });
});
