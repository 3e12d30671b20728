import { randomBytes } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Prisma } from '../../src/generated/prisma/client.js';
import { FakeCloud } from '../fakes/index.js';
import { bootTestApp, type TestApp } from '../support/app.js';
import { upcomingLocal } from '../support/clock.js';
import { eventually } from '../support/eventually.js';
import { createTenantWithRoles, ownerDb, type Session, type TenantWithRoles } from '../support/fixtures.js';
import { fieldsOf, newPhone } from '../support/http.js';

/**
 * The customer texts a business edits itself: /api/email-templates and /api/sms-templates. Any member
 * reads them, admins change them; an unknown placeholder or type, an empty text or an SMS that would
 * not fit two segments is refused with what is wrong; one tenant never sees another's wording; and an
 * edit changes what the customer actually receives at the fake Twilio and Gmail.
 */
describe('message templates', () => {
  let cloud: FakeCloud;
  let test: TestApp;
  let a: TenantWithRoles;
  let b: TenantWithRoles;

  const call = (method: 'GET' | 'PUT' | 'POST' | 'DELETE', url: string, session: Session, payload?: object) =>
    test.app.inject({ method, url: `/api${url}`, headers: session.auth, payload });

  beforeAll(async () => {
    cloud = new FakeCloud({ appUrl: 'https://renos.test', gmailAddress: `info-${Date.now()}@skabeloner.dk` });
    await cloud.start();
    const env = cloud.environment();
    test = await bootTestApp({
      env: {
        PUBLIC_BASE_URL: 'https://renos.test',
        GOOGLE_API_BASE_URL: env.GOOGLE_API_BASE_URL!,
        GOOGLE_OAUTH_TOKEN_URL: env.GOOGLE_OAUTH_TOKEN_URL!,
        TWILIO_API_BASE_URL: env.TWILIO_API_BASE_URL!,
      },
    });
    a = await createTenantWithRoles(test.app, 'Skabelon Rengøring');
    b = await createTenantWithRoles(test.app, 'Anden Rengøring');
  });
  afterAll(async () => {
    await test?.close();
    await cloud?.close();
  });

  describe('reading', () => {
    it('lists every e-mail template with its placeholders, for any member', async () => {
      for (const session of [a.admin, a.manager, a.staff, a.viewer]) {
        const response = await call('GET', '/email-templates', session);
        expect(response.statusCode).toBe(200);
        const { data } = response.json() as { data: Array<Record<string, unknown>> };
        expect(data.map((t) => t.type).sort()).toEqual(
          [
            'booking_cancelled',
            'booking_cancelled_by_customer',
            'booking_confirmation',
            'booking_moved',
            'booking_moved_by_customer',
            'booking_reminder',
            'invoice_reminder',
            'lead_response',
          ].sort(),
        );
        const confirmation = data.find((t) => t.type === 'booking_confirmation')!;
        expect(confirmation).toMatchObject({
          subject: 'Din booking er bekræftet: {{bookingDate}} kl. {{bookingTime}}',
          isDefault: true,
        });
        expect(confirmation.placeholders).toEqual(expect.arrayContaining(['bookingDate', 'greeting']));
        expect(typeof confirmation.updatedAt).toBe('string');
      }
    });

    it('lists every customer SMS with its default wording until the tenant stores its own', async () => {
      const response = await call('GET', '/sms-templates', a.viewer);
      expect(response.statusCode).toBe(200);
      const { data } = response.json() as { data: Array<Record<string, unknown>> };
      expect(data.map((t) => t.type)).toEqual(
        expect.arrayContaining([
          'offer',
          'offer_retry',
          'offer_reminder',
          'booking_confirmation',
          'booking_moved',
          'booking_cancelled',
          'booking_reminder',
          'booking_cancelled_by_customer',
          'booking_moved_by_customer',
          'reschedule_options',
          'no_booking',
        ]),
      );
      const reminder = (await call('GET', '/sms-templates/booking_reminder', a.staff)).json();
      expect(reminder).toEqual({
        type: 'booking_reminder',
        name: 'Påmindelse om booking',
        body: 'Påmindelse: Vi kommer {{dateTime}} til {{address}}. Mvh {{companyName}}',
        placeholders: ['companyName', 'greeting', 'firstName', 'dateTime', 'address'],
        isDefault: true,
        updatedAt: null,
      });
    });

    it('answers 404 naming a type that does not exist', async () => {
      for (const url of [
        '/email-templates/velkomst',
        '/sms-templates/velkomst',
        '/email-templates/staff_notification',
      ]) {
        const response = await call('GET', url, a.admin);
        expect(response.statusCode).toBe(404);
        expect(response.json().message).toContain(`"${url.split('/').pop()}"`);
      }
      const put = await call('PUT', '/sms-templates/velkomst', a.admin, { body: 'Hej' });
      expect(put.statusCode).toBe(404);
      expect(put.json().message).toBe('No SMS template of type "velkomst"');
    });
  });

  describe('writing', () => {
    it('is for admins only', async () => {
      for (const session of [a.manager, a.staff, a.viewer]) {
        expect((await call('PUT', '/sms-templates/offer', session, { body: 'Hej' })).statusCode).toBe(403);
        expect((await call('DELETE', '/sms-templates/offer', session)).statusCode).toBe(403);
        expect(
          (await call('PUT', '/email-templates/lead_response', session, { subject: 'Tak', body: 'Tak' }))
            .statusCode,
        ).toBe(403);
        expect((await call('DELETE', '/email-templates/lead_response', session)).statusCode).toBe(403);
      }
    });

    it('refuses an unknown placeholder, naming it and the ones the type has', async () => {
      const sms = await call('PUT', '/sms-templates/booking_reminder', a.admin, {
        body: 'Vi kommer {{dateTime}}, {{kundenavn}}. Mvh {{companyName}}',
      });
      expect(sms.statusCode).toBe(400);
      expect(sms.json().message).toContain('{{kundenavn}}');
      expect(sms.json().details).toEqual([
        expect.objectContaining({ field: 'body', unknown: ['kundenavn'] }),
      ]);

      const email = await call('PUT', '/email-templates/booking_confirmation', a.admin, {
        subject: 'Booking {{bookingNumber}}',
        body: '{{greeting}}',
      });
      expect(email.statusCode).toBe(400);
      expect(fieldsOf(email.json())).toEqual(new Set(['subject']));
      expect(email.json().message).toContain('{{bookingNumber}}');

      const braces = await call('PUT', '/sms-templates/booking_reminder', a.admin, {
        body: 'Vi kommer {{ dato og tid }}. Mvh {{companyName}}',
      });
      expect(braces.statusCode).toBe(400);
      expect(fieldsOf(braces.json())).toEqual(new Set(['body']));
    });

    it('refuses an empty subject or body', async () => {
      const email = await call('PUT', '/email-templates/lead_response', a.admin, { subject: '  ', body: '' });
      expect(email.statusCode).toBe(400);
      expect(fieldsOf(email.json())).toEqual(new Set(['subject', 'body']));
      const sms = await call('PUT', '/sms-templates/offer', a.admin, { body: '' });
      expect(sms.statusCode).toBe(400);
      expect(fieldsOf(sms.json())).toEqual(new Set(['body']));
    });

    it('refuses an SMS that would not fit two segments with typical values, saying how long it renders', async () => {
      const body = `${'Vi glæder os meget til at gøre rent hos dig. '.repeat(5)}{{slots}} Mvh {{companyName}}`;
      const response = await call('PUT', '/sms-templates/offer', a.admin, { body });
      expect(response.statusCode).toBe(400);
      expect(response.json().message).toMatch(/renders to \d{3} characters \(GSM-7, 3 segments\)/);
      expect(response.json().details[0]).toMatchObject({ field: 'body', segments: 3, limit: 306 });
      // Nothing was stored.
      expect((await call('GET', '/sms-templates/offer', a.admin)).json().isDefault).toBe(true);
    });

    it('previews the stored template or the text given, filled with sample values', async () => {
      const stored = await call('POST', '/email-templates/booking_confirmation/preview', a.viewer, {});
      expect(stored.statusCode).toBe(200);
      expect(stored.json().subject).toBe('Din booking er bekræftet: torsdag d. 24. september 2026 kl. 10.00');
      expect(stored.json().body).toMatch(/^Hej Christoffer\n/);
      expect(stored.json().body).toContain('Skabelon Rengøring');

      const given = await call('POST', '/email-templates/booking_confirmation/preview', a.viewer, {
        body: 'Vi ses {{bookingDate}}, {{firstName}}!',
      });
      expect(given.json().body).toBe('Vi ses torsdag d. 24. september 2026, Christoffer!');

      const sms = await call('POST', '/sms-templates/offer/preview', a.staff, {});
      expect(sms.statusCode).toBe(200);
      expect(sms.json()).toMatchObject({ encoding: 'GSM-7', segments: 2 });
      expect(sms.json().body).toMatch(
        /^Hej Christoffer, tak for din henvendelse\. Vi kan komme:\n1\) torsdag d\. 24\. september kl\. 10\.00\n/,
      );
      expect(sms.json().characters).toBe(sms.json().body.length);

      // No body at all previews the stored text too.
      const bare = await call('POST', '/sms-templates/booking_reminder/preview', a.staff);
      expect(bare.statusCode).toBe(200);
      expect(bare.json().body).toMatch(/^Påmindelse: Vi kommer torsdag d\. 24\. september kl\. 10\.00 til /);
      expect((await call('POST', '/email-templates/lead_response/preview', a.staff)).statusCode).toBe(200);

      const unknown = await call('POST', '/sms-templates/offer/preview', a.staff, { body: '{{pris}}' });
      expect(unknown.statusCode).toBe(400);
      expect(unknown.json().message).toContain('{{pris}}');
    });

    it("keeps each tenant's wording its own", async () => {
      const body = 'Hej fra A: {{dateTime}}. Mvh {{companyName}}';
      expect((await call('PUT', '/sms-templates/booking_cancelled', a.admin, { body })).statusCode).toBe(200);
      const subject = 'Aflyst hos A: {{bookingDate}}';
      expect(
        (await call('PUT', '/email-templates/booking_cancelled', a.admin, { subject, body: '{{greeting}}' }))
          .statusCode,
      ).toBe(200);

      const theirs = (await call('GET', '/sms-templates/booking_cancelled', b.viewer)).json();
      expect(theirs.isDefault).toBe(true);
      expect(theirs.body).not.toContain('Hej fra A');
      const lists = [
        (await call('GET', '/sms-templates', b.admin)).body,
        (await call('GET', '/email-templates', b.admin)).body,
      ].join('\n');
      expect(lists).not.toContain('Hej fra A');
      expect(lists).not.toContain('Aflyst hos A');
      // B's reset touches B's rows only.
      expect((await call('DELETE', '/sms-templates/booking_cancelled', b.admin)).statusCode).toBe(200);
      expect((await call('DELETE', '/email-templates/booking_cancelled', b.admin)).statusCode).toBe(200);
      expect((await call('GET', '/sms-templates/booking_cancelled', a.viewer)).json().body).toBe(body);
      expect((await call('GET', '/email-templates/booking_cancelled', a.viewer)).json().subject).toBe(
        subject,
      );
    });
  });

  describe('what the customer receives', () => {
    async function connect(setup: TenantWithRoles) {
      const smsNumber = `+4578${String(Math.floor(Math.random() * 1_000_000)).padStart(6, '0')}`;
      await ownerDb().tenant.update({
        where: { id: setup.tenant.id },
        data: {
          smsNumber,
          smsRules: {
            quietHoursStart: '21:00',
            quietHoursEnd: '08:00',
            dailyCap: 500,
          } as Prisma.InputJsonObject,
        },
      });
      const accountSid = `AC${setup.tenant.id.replace(/-/g, '')}`;
      const authToken = randomBytes(16).toString('hex');
      cloud.twilio.addAccount(accountSid, authToken);
      expect(
        (
          await call('PUT', '/integrations/twilio', setup.admin, {
            accountSid,
            authToken,
            phoneNumber: smsNumber,
          })
        ).statusCode,
      ).toBe(200);
      expect(
        (
          await call('PUT', '/integrations/google', setup.admin, {
            clientId: 'templates.apps.googleusercontent.com',
            clientSecret: 'GOCSPX-templates',
            refreshToken: '1//templates',
            gmailAddress: cloud.gmail.emailAddress,
          })
        ).statusCode,
      ).toBe(200);
    }

    async function bookNewLead(setup: TenantWithRoles, startsAt: Date) {
      const phone = newPhone();
      const email = `kunde-${phone.e164.slice(3)}@example.dk`;
      const lead = await call('POST', '/leads', setup.admin, {
        customerName: 'Mette Holm Sørensen',
        customerPhone: phone.typed,
        customerEmail: email,
        serviceType: 'Flytterengøring',
        address: 'Søndergade 4',
        postalCode: '8000',
        city: 'Aarhus C',
        estimatedHours: 3,
      });
      expect(lead.statusCode).toBe(201);
      const booking = await call('POST', '/bookings', setup.admin, {
        leadId: lead.json().id,
        startsAt: startsAt.toISOString(),
        durationHours: 2.5,
      });
      expect(booking.statusCode).toBe(201);
      return { phone: phone.e164, email };
    }

    const textsTo = (phone: string) => cloud.twilio.sentTo(phone).map((message) => message.body);
    const mailsTo = (email: string) =>
      cloud.gmail
        .sent()
        .filter((mail) => mail.to?.includes(email))
        .map((mail) => ({ subject: mail.subject ?? '', body: mail.parsed.text ?? '' }));

    it('offers times in the edited wording', async () => {
      test.clock.set(upcomingLocal({ weekday: 2, time: '10:00' }));
      try {
        const setup = await createTenantWithRoles(test.app, 'Eget Tilbud ApS');
        await connect(setup);
        const body = '{{greeting}}! Ledige tider:\n{{slots}}\n{{choices}}. Hilsen {{companyName}}';
        expect((await call('PUT', '/sms-templates/offer', setup.admin, { body })).statusCode).toBe(200);
        const phone = newPhone();
        const lead = await call('POST', '/leads', setup.admin, {
          customerName: 'Christoffer Hansen',
          customerPhone: phone.typed,
          serviceType: 'Hovedrengøring',
          address: 'Nyvej 1',
          postalCode: '8000',
          city: 'Aarhus C',
          estimatedHours: 3,
        });
        expect(lead.statusCode).toBe(201);
        const offered = await call('POST', `/leads/${lead.json().id}/send-booking-options`, setup.admin);
        expect(offered.statusCode).toBe(200);
        await eventually(async () => textsTo(phone.e164).length === 1, { what: 'the offer' });
        expect(textsTo(phone.e164)[0]).toMatch(
          /^Hej Christoffer! Ledige tider:\n1\) [a-zæøå]+dag d\. \d{1,2}\. [a-z]+ kl\. \d\d\.\d\d\n2\) .+\n3\) .+\nSvar 1, 2 eller 3\. Hilsen Eget Tilbud ApS$/,
        );
      } finally {
        test.clock.reset();
      }
    });

    it('sends the edited SMS and e-mail, and the default again after a reset', async () => {
      // Tuesday 10.00 in Copenhagen: outside the quiet hours, so the text goes at once.
      test.clock.set(upcomingLocal({ weekday: 2, time: '10:00' }));
      try {
        const setup = await createTenantWithRoles(test.app, 'Egen Tekst ApS');
        await connect(setup);
        const sms = await call('PUT', '/sms-templates/booking_confirmation', setup.admin, {
          body: '{{greeting}}, vi glæder os til at se dig {{dateTime}} på {{address}}. Hilsen {{companyName}}',
        });
        expect(sms.statusCode).toBe(200);
        expect(sms.json()).toMatchObject({ isDefault: false, updatedAt: expect.any(String) });
        const email = await call('PUT', '/email-templates/booking_confirmation', setup.admin, {
          subject: 'Vi ses {{bookingDate}}',
          body: '{{greeting}}\n\nVi kommer kl. {{bookingTime}}.\n\n{{companyName}}',
        });
        expect(email.statusCode).toBe(200);

        const thursday = upcomingLocal({ weekday: 4, time: '10:00' }, test.clock.now());
        const first = await bookNewLead(setup, thursday);
        await eventually(async () => textsTo(first.phone).length === 1 && mailsTo(first.email).length === 1, {
          what: 'the edited confirmation by text and e-mail',
        });
        expect(textsTo(first.phone)[0]).toMatch(
          /^Hej Mette, vi glæder os til at se dig torsdag d\. \d{1,2}\. [a-z]+ kl\. 10\.00 på Søndergade 4, 8000 Aarhus C\. Hilsen Egen Tekst ApS$/,
        );
        const mail = mailsTo(first.email)[0]!;
        expect(mail.subject).toMatch(/^Vi ses torsdag d\. \d{1,2}\. [a-z]+ \d{4}$/);
        expect(mail.body.replace(/\r\n/g, '\n').trim()).toBe(
          'Hej Mette\n\nVi kommer kl. 10.00.\n\nEgen Tekst ApS',
        );

        // Reset both: the next customer gets the default wording.
        const resetSms = await call('DELETE', '/sms-templates/booking_confirmation', setup.admin);
        expect(resetSms.statusCode).toBe(200);
        expect(resetSms.json()).toMatchObject({ isDefault: true, updatedAt: null });
        const resetEmail = await call('DELETE', '/email-templates/booking_confirmation', setup.admin);
        expect(resetEmail.json()).toMatchObject({
          isDefault: true,
          subject: 'Din booking er bekræftet: {{bookingDate}} kl. {{bookingTime}}',
        });
        // Each change is in the audit log, by whom and what kind (the row holds the text).
        const audit = await ownerDb().auditLog.findMany({
          where: { tenantId: setup.tenant.id, action: 'settings_change' },
          orderBy: { createdAt: 'asc' },
        });
        expect(audit.map((row) => [row.targetType, row.targetId, row.metadata])).toEqual([
          ['sms_template', 'booking_confirmation', { change: 'edit' }],
          ['email_template', 'booking_confirmation', { change: 'edit' }],
          ['sms_template', 'booking_confirmation', { change: 'reset' }],
          ['email_template', 'booking_confirmation', { change: 'reset' }],
        ]);
        expect(new Set(audit.map((row) => row.actorUserId))).toEqual(new Set([setup.admin.user.id]));
        const second = await bookNewLead(setup, new Date(thursday.getTime() + 4 * 3600_000));
        await eventually(
          async () => textsTo(second.phone).length === 1 && mailsTo(second.email).length === 1,
          {
            what: 'the default confirmation by text and e-mail',
          },
        );
        expect(textsTo(second.phone)[0]).toMatch(
          /^Tak! Du er booket torsdag d\. .* kl\. 14\.00 \(ca\. 2,5 timer\) på /,
        );
        expect(mailsTo(second.email)[0]!.subject).toMatch(/^Din booking er bekræftet: /);
      } finally {
        test.clock.reset();
      }
    });
  });
});
