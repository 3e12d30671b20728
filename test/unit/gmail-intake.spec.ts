import { describe, expect, it } from 'vitest';

import { renderTemplate, singleLine } from '../../src/email/email-template.js';
import { emptyExtraction } from '../../src/intake/extraction/lead-fields.js';
import { merge, toExtraction } from '../../src/intake/lead-extractor.service.js';
import { pastedMail } from '../../src/intake/dto/mail-text.dto.js';
import { toGmailError } from '../../src/integrations/gmail/gmail.client.js';
import { extractWithParsers } from '../../src/intake/parsers/parse-lead-email.js';
import { DEFAULT_EXTRACTION_RULES } from '../../src/tenants/tenant-defaults.js';
import { parseGmailPush } from '../../src/intake/pubsub-push.js';
import { checkSender, parseAuthenticationResults } from '../../src/intake/sender-check.js';

const ALLOWED = ['leadpoint.dk', 'leadmail.no', 'rendetalje.dk'];

describe('checkSender', () => {
  it.each([
    [
      'no Authentication-Results header: the domain alone decides',
      'Leadpoint.dk <system@leadpoint.dk>',
      [],
      true,
    ],
    [
      'DKIM passes for the domain',
      'system@leadpoint.dk',
      ['mx.google.com; dkim=pass header.i=@leadpoint.dk header.s=s1 header.b=abc'],
      true,
    ],
    [
      'DKIM passes with header.d',
      'system@leadpoint.dk',
      ['mx.google.com; dkim=pass header.d=leadpoint.dk'],
      true,
    ],
    [
      'DKIM passes for a parent domain (relaxed alignment)',
      'noreply@mail.leadpoint.dk',
      ['mx.google.com; dkim=pass header.d=leadpoint.dk'],
      true,
    ],
    [
      'SPF passes for the envelope sender',
      'kontakt@leadmail.no',
      [
        'mx.google.com; dkim=none; spf=pass (google.com: domain of kontakt@leadmail.no designates 1.2.3.4 as permitted sender) smtp.mailfrom=kontakt@leadmail.no',
      ],
      true,
    ],
    [
      'DMARC passes for the From domain',
      'info@rendetalje.dk',
      ['mx.google.com; dkim=neutral; spf=softfail; dmarc=pass (p=NONE) header.from=rendetalje.dk'],
      true,
    ],
    [
      'DKIM and SPF fail',
      'system@leadpoint.dk',
      [
        'mx.google.com; dkim=fail header.i=@leadpoint.dk; spf=fail smtp.mailfrom=system@leadpoint.dk; dmarc=fail header.from=leadpoint.dk',
      ],
      false,
    ],
    [
      'DKIM passes, but for another domain',
      'system@leadpoint.dk',
      ['mx.google.com; dkim=pass header.i=@evil.example; spf=neutral smtp.mailfrom=x@evil.example'],
      false,
    ],
    [
      "a forged pass below Gmail's own verdict",
      'system@leadpoint.dk',
      [
        'mx.google.com; dkim=fail header.i=@leadpoint.dk; spf=fail smtp.mailfrom=system@leadpoint.dk',
        'attacker.example; dkim=pass header.d=leadpoint.dk; spf=pass smtp.mailfrom=system@leadpoint.dk',
      ],
      false,
    ],
    ['a look-alike domain is not a subdomain', 'system@fakeleadpoint.dk', [], false],
    ['a domain not allowed at all', 'news@shop.example.com', [], false],
    ['no address in From', 'Leadpoint', [], false],
  ])('%s', (_case, from, results, accepted) => {
    expect(checkSender(from, results, ALLOWED).accepted).toBe(accepted);
  });

  it('ignores comments when reading method results', () => {
    const [spf] = parseAuthenticationResults(
      'mx.google.com; spf=pass (google.com: domain of a@b.dk designates 1.2.3.4 as permitted sender) smtp.mailfrom=a@b.dk',
    );
    expect(spf).toMatchObject({ method: 'spf', result: 'pass' });
    expect(spf!.properties.get('smtp.mailfrom')).toBe('a@b.dk');
  });
});

describe('parseGmailPush', () => {
  const json = JSON.stringify({ emailAddress: 'Info@Rendetalje.dk', historyId: 9876543210 });
  const push = (data: string, messageId: unknown = '1234') => ({
    message: { data, messageId },
    subscription: 's',
  });

  it.each([
    ['padded base64', Buffer.from(json).toString('base64')],
    ['url-safe base64 without padding', Buffer.from(json).toString('base64url')],
  ])('reads %s', (_case, data) => {
    expect(parseGmailPush(push(data))).toEqual({
      ok: true,
      push: { messageId: '1234', emailAddress: 'info@rendetalje.dk', historyId: '9876543210' },
    });
  });

  it('reads message_id when messageId is missing', () => {
    const body = { message: { data: Buffer.from(json).toString('base64'), message_id: '77' } };
    expect(parseGmailPush(body)).toMatchObject({ ok: true, push: { messageId: '77' } });
  });

  it.each([
    ['no message', {}],
    ['data not base64', push('!!!')],
    ['data not JSON', push(Buffer.from('hello').toString('base64'))],
    ['no emailAddress', push(Buffer.from('{"historyId":1}').toString('base64'))],
    [
      'historyId not a number',
      push(Buffer.from('{"emailAddress":"a@b.dk","historyId":"x"}').toString('base64')),
    ],
    ['no messageId', push(Buffer.from(json).toString('base64'), null)],
    ['a NUL in the messageId', push(Buffer.from(json).toString('base64'), '12\u000034')],
    [
      'a NUL in the address',
      push(Buffer.from('{"emailAddress":"info@rendetalje.dk\u0000","historyId":1}').toString('base64')),
    ],
  ])('refuses %s', (_case, body) => {
    expect(parseGmailPush(body).ok).toBe(false);
  });
});

describe('Gemini answers', () => {
  it('keeps well-formed fields and clamps confidences', () => {
    const result = toExtraction(
      {
        customerName: { value: 'Mette Holm', quote: 'Navn: Mette Holm', confidence: 1.7 },
        estimatedHours: { value: '3,5', quote: '3,5 timer', confidence: 0.8 },
        priority: { value: 'urgent', quote: 'haster', confidence: 0.9 },
        city: { value: 'Aarhus', confidence: 0.9 },
      },
      'email',
      'ai:gemini-2.5-flash',
    );
    expect(result?.customerName).toEqual({ value: 'Mette Holm', quote: 'Navn: Mette Holm', confidence: 1 });
    expect(result?.estimatedHours?.value).toBe(3.5);
    expect(result?.priority).toBeNull();
    expect(result?.city).toBeNull();
  });

  it.each([
    ['a string', 'ignore all previous instructions'],
    ['an array', []],
    ['an object of nothing usable', { foo: 1 }],
    ['null', null],
  ])('treats %s as nonsense', (_case, answer) => {
    expect(toExtraction(answer, 'email', 'ai:gemini-2.5-flash')).toBeNull();
  });

  it('sends a disagreement between the AI and the parser to a human, keeping the portal parser on a portal mail', () => {
    const ai = emptyExtraction('leadpoint', 'ai:gemini-2.5-flash');
    const parsed = emptyExtraction('leadpoint', 'parser:leadpoint');
    ai.city = { value: 'Odense', quote: 'Odense', confidence: 0.95 };
    parsed.city = { value: 'København S', quote: 'København S', confidence: 0.9 };
    ai.postalCode = { value: '2300', quote: '2300', confidence: 0.8 };
    parsed.postalCode = { value: '2300', quote: '2300', confidence: 0.9 };
    ai.notes = { value: 'to badeværelser', quote: 'to badeværelser', confidence: 0.7 };

    const merged = merge(ai, parsed, true);
    expect(merged.city).toEqual({ value: 'København S', quote: 'København S', confidence: 0.5 });
    expect(merged.postalCode?.confidence).toBe(0.9);
    expect(merged.notes?.value).toBe('to badeværelser');
    expect(merged.warnings.some((w) => w.startsWith('city: AI read "Odense"'))).toBe(true);
    expect(merge(ai, parsed, false).city?.value).toBe('Odense');
  });
});

describe('pasted mail', () => {
  it('reads leading From/Subject lines (English or Danish) as headers', () => {
    expect(pastedMail('Fra: Leadpoint <system@leadpoint.dk>\r\nEmne: Nyt lead\r\n\r\nNavn: Mette')).toEqual({
      from: 'Leadpoint <system@leadpoint.dk>',
      subject: 'Nyt lead',
      text: 'Navn: Mette',
    });
    expect(pastedMail('Navn: Mette\nTelefon: 12345678')).toEqual({
      from: '',
      subject: '',
      text: 'Navn: Mette\nTelefon: 12345678',
    });
  });
});

describe('templates', () => {
  it('fills placeholders and reports the missing ones without leaking braces', () => {
    expect(
      renderTemplate('Hej {{customerName}}, {{ serviceType }} {{unknown}}.', {
        customerName: 'Åse',
        serviceType: 'Flytterengøring',
      }),
    ).toEqual({
      text: 'Hej Åse, Flytterengøring .',
      missing: ['unknown'],
    });
  });

  it('keeps a subject on one line', () => {
    expect(singleLine('Tak\r\nBcc: evil@example.com')).toBe('Tak Bcc: evil@example.com');
  });
});

describe('Gmail failures', () => {
  it.each([
    [
      {
        response: {
          status: 400,
          data: { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' },
        },
      },
      'needs_attention',
    ],
    [{ response: { status: 401 } }, 'needs_attention'],
    [{ response: { status: 404 } }, 'not_found'],
    [{ response: { status: 400 } }, 'give_up'],
    [
      {
        response: { status: 403, data: { error: { code: 403, errors: [{ reason: 'rateLimitExceeded' }] } } },
      },
      'retry',
    ],
    [
      { response: { status: 403, data: { error: { code: 403, message: 'Insufficient Permission' } } } },
      'give_up',
    ],
    [{ response: { status: 429 } }, 'retry'],
    [{ response: { status: 503 } }, 'retry'],
    [new Error('socket hang up'), 'retry'],
  ])('classifies %j as %s', (error, kind) => {
    expect(toGmailError(error).kind).toBe(kind);
  });
});

describe('hours from a huge area', () => {
  it('are not estimated past what a lead can hold: the lead waits for a person instead of failing', () => {
    const mail = {
      from: 'Leadpoint.dk <system@leadpoint.dk>',
      subject: 'Nyt lead',
      text: 'Navn: Lager ApS\nTelefon: 28 14 55 90\nAdresse: Havnevej 1\nPostnr. og by: 8000 Aarhus C\nOpgave: Erhvervsrengøring\nAreal: 60000 m²',
    };
    const result = extractWithParsers(mail, { rules: DEFAULT_EXTRACTION_RULES });
    expect(result.squareMetres?.value).toBe(60000);
    expect(result.estimatedHours).toBeNull();
    expect(result.warnings.some((w) => w.startsWith('estimatedHours: not estimated'))).toBe(true);
  });
});
