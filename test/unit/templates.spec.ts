import { describe, expect, it } from 'vitest';

import { MissingPlaceholderError, placeholdersIn } from '../../src/email/email-template.js';
import type { SmsTemplateType } from '../../src/generated/prisma/enums.js';
import {
  DEFAULT_SMS_TEMPLATES,
  renderSms,
  SMS_PLACEHOLDERS,
  SMS_TEMPLATE_TYPES,
  smsBudget,
} from '../../src/sms/text/sms-templates.js';
import {
  checkEmailTemplate,
  checkPlaceholders,
  checkSmsTemplate,
  EMAIL_TEMPLATE_TYPES,
  emailSamples,
  renderEmailSample,
  renderSmsSample,
  smsSamples,
  TemplateFieldError,
} from '../../src/templates/template-rules.js';
import { DEFAULT_EMAIL_TEMPLATES } from '../../src/tenants/tenant-defaults.js';

/** The rules a template a tenant writes must follow, and the sample rendering its preview shows. */
const COMPANY = 'Rendetalje ApS';

function fieldError(run: () => unknown): TemplateFieldError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(TemplateFieldError);
    return error as TemplateFieldError;
  }
  throw new Error('expected a TemplateFieldError');
}

describe('the default SMS texts', () => {
  it('exist for every type and use only the placeholders the type declares', () => {
    expect(SMS_TEMPLATE_TYPES.sort()).toEqual(Object.keys(SMS_PLACEHOLDERS).sort());
    for (const type of SMS_TEMPLATE_TYPES) {
      const used = placeholdersIn(DEFAULT_SMS_TEMPLATES[type].body);
      expect(used.filter((name) => !(SMS_PLACEHOLDERS[type] as readonly string[]).includes(name))).toEqual(
        [],
      );
    }
  });

  it('pass the checks a tenant text must pass, within two segments with the sample values', () => {
    for (const type of SMS_TEMPLATE_TYPES) {
      const rendered = checkSmsTemplate(type, DEFAULT_SMS_TEMPLATES[type].body, COMPANY);
      expect(rendered.body).not.toMatch(/\{\{|\}\}|undefined/);
      expect(rendered.encoding).toBe('GSM-7');
      expect(rendered.segments).toBeLessThanOrEqual(2);
    }
  });

  it('have a sample value for every placeholder of every type', () => {
    const samples = smsSamples(COMPANY);
    for (const type of SMS_TEMPLATE_TYPES)
      for (const name of SMS_PLACEHOLDERS[type]) expect(samples[name], `${type}: ${name}`).toBeTruthy();
  });

  it('render a tenant text as it is sent: GSM-7, the declared values required', () => {
    expect(
      renderSms('booking_reminder', '“Vi ses” {{dateTime}} – {{address}} 😊 {{companyName}}', {
        companyName: 'R',
        greeting: 'Hej',
        firstName: '',
        dateTime: 'i morgen',
        address: 'Søndergade 4',
      }),
    ).toBe('"Vi ses" i morgen - Søndergade 4 R');
    expect(() => renderSms('opt_out', '{{companyName}}', {} as Record<'companyName', string>)).toThrow(
      MissingPlaceholderError,
    );
  });
});

describe('placeholders', () => {
  it('refuses an unknown one, naming it and what the type may use', () => {
    const error = fieldError(() =>
      checkPlaceholders('body', 'Hej {{navn}}, {{ dato }} og {{navn}}', ['greeting', 'dato']),
    );
    expect(error.message).toBe(
      'Invalid body: unknown placeholder {{navn}}; this template may use {{greeting}}, {{dato}}',
    );
    expect(error.details).toEqual([
      expect.objectContaining({ field: 'body', unknown: ['navn'], allowed: ['greeting', 'dato'] }),
    ]);
  });

  it('refuses braces that are not a placeholder', () => {
    for (const text of ['Hej {{ første navn }}', 'Hej {{greeting', 'Pris }}'])
      expect(fieldError(() => checkPlaceholders('body', text, ['greeting'])).details).toEqual([
        expect.objectContaining({ field: 'body' }),
      ]);
    expect(() => checkPlaceholders('body', 'Hej {{ greeting }} {x}', ['greeting'])).not.toThrow();
  });

  it('checks the subject and the body of an e-mail separately', () => {
    const error = fieldError(() =>
      checkEmailTemplate('invoice_reminder', {
        subject: 'Faktura {{invoiceNumber}}',
        body: '{{bookingDate}}',
      }),
    );
    expect(error.details).toEqual([expect.objectContaining({ field: 'body', unknown: ['bookingDate'] })]);
  });
});

describe('what an SMS cannot leave out', () => {
  it('refuses an offer without its times', () => {
    const error = fieldError(() =>
      checkSmsTemplate('offer_retry', 'Ring til os. Mvh {{companyName}}', COMPANY),
    );
    expect(error.message).toBe('Invalid body: must use {{slots}}: without it the customer cannot answer');
    expect(() =>
      checkSmsTemplate('booking_reminder', 'Vi ses i morgen. Mvh {{companyName}}', COMPANY),
    ).not.toThrow();
  });
});

describe('the SMS length budget', () => {
  it('allows 306 GSM-7 characters and refuses 307, saying how long it renders', () => {
    expect(smsBudget('a'.repeat(306))).toMatchObject({ characters: 306, segments: 2, fits: true });
    expect(smsBudget('a'.repeat(307))).toMatchObject({ segments: 3, fits: false });
    // The extension characters count twice.
    expect(smsBudget('€'.repeat(153))).toMatchObject({ characters: 306, fits: true });
    const long = `${'x'.repeat(300)} {{companyName}}`;
    const error = fieldError(() => checkSmsTemplate('opt_out' as SmsTemplateType, long, COMPANY));
    expect(error.message).toBe(
      'Invalid body: renders to 315 characters (GSM-7, 3 segments) with typical values; at most 306 fit in 2 segments',
    );
  });

  it('allows 134 characters in UCS-2', () => {
    expect(smsBudget('你'.repeat(134))).toMatchObject({ encoding: 'UCS-2', segments: 2, fits: true });
    expect(smsBudget('你'.repeat(135))).toMatchObject({ encoding: 'UCS-2', segments: 3, fits: false });
  });

  it('measures with the long sample values: the default offer of three times is two segments', () => {
    const offer = renderSmsSample('offer', DEFAULT_SMS_TEMPLATES.offer.body, COMPANY);
    expect(offer.body).toBe(
      [
        'Hej Christoffer, tak for din henvendelse. Vi kan komme:',
        '1) torsdag d. 24. september kl. 10.00',
        '2) onsdag d. 23. september kl. 14.00',
        '3) mandag d. 28. september kl. 08.00',
        'Ca. 3,5 timer à 436,25 kr./time inkl. moms.',
        'Svar 1, 2 eller 3 for at booke. Mvh Rendetalje ApS',
      ].join('\n'),
    );
    expect(offer).toMatchObject({ encoding: 'GSM-7', segments: 2 });
  });
});

describe('e-mail previews', () => {
  it('fill every default template with sample values, the tenant named', () => {
    expect(EMAIL_TEMPLATE_TYPES).not.toContain('staff_notification');
    for (const type of EMAIL_TEMPLATE_TYPES) {
      const template = DEFAULT_EMAIL_TEMPLATES.find((t) => t.type === type)!;
      const preview = renderEmailSample(type, { subject: template.subject, body: template.content }, COMPANY);
      expect(`${preview.subject}\n${preview.body}`).not.toMatch(/\{\{|\}\}|undefined/);
      expect(preview.body).toContain(COMPANY);
      for (const name of placeholdersIn(`${template.subject}\n${template.content}`))
        expect(emailSamples(type, COMPANY)[name], `${type}: ${name}`).toBeTruthy();
    }
  });

  it('keep the subject on one line', () => {
    const preview = renderEmailSample(
      'booking_reminder',
      { subject: 'Vi kommer\n{{bookingDate}}', body: '{{greeting}}' },
      COMPANY,
    );
    expect(preview).toEqual({ subject: 'Vi kommer torsdag d. 24. september 2026', body: 'Hej Christoffer' });
  });
});
