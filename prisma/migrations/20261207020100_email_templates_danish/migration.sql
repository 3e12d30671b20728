-- The seeded e-mail templates, reworded (src/tenants/tenant-defaults.ts): the first reply says what
-- will actually happen (an SMS now or later, a call, an e-mail) and a price only when it is known, a
-- customer is greeted by first name or a plain "Hej", hours read "2,5 timer"/"1 time" and a due date
-- "med forfald den 22. marts 2026". A template is updated only where it still equals the old default
-- word for word: a template the business edited is its own and is left as it is. Every tenant also
-- gets the two new templates (a booking moved, a booking cancelled), unless it has them already.
--
-- Row-level security is FORCEd on email_templates: the migration takes the system path for its own
-- transaction, as the app's named system transactions do. The new enum values were committed by the
-- migration before this one (PostgreSQL cannot use an enum value in the transaction that adds it).
SELECT set_config('app.system', 'on', true);

UPDATE "email_templates"
   SET "subject" = 'Tak for din forespørgsel om {{serviceType}}',
       "content" = '{{greeting}}

Tak for din forespørgsel om {{serviceDescription}}.
{{priceText}}

{{nextStep}}

Venlig hilsen
{{companyName}}',
       "updated_at" = CURRENT_TIMESTAMP
 WHERE "type" = 'lead_response'
   AND "subject" = 'Tak for din forespørgsel om {{serviceType}}'
   AND "content" = 'Hej {{customerName}}

Tak for din forespørgsel om {{serviceType}} på {{address}}.
Vi anslår opgaven til {{estimatedHours}} timer, i alt ca. {{estimatedPrice}} kr. inkl. moms.

Du modtager om lidt en SMS med tre ledige tider. Svar blot med 1, 2 eller 3 for at booke.

Venlig hilsen
{{companyName}}';

UPDATE "email_templates"
   SET "subject" = 'Din booking er bekræftet: {{bookingDate}} kl. {{bookingTime}}',
       "content" = '{{greeting}}

Tak for din booking. Vi kommer {{bookingDate}} kl. {{bookingTime}} til {{address}}.
Opgave: {{serviceType}}, ca. {{duration}}, i alt ca. {{totalAmount}} kr. inkl. moms.

Skal tiden ændres, så svar blot på denne e-mail.

Venlig hilsen
{{companyName}}',
       "updated_at" = CURRENT_TIMESTAMP
 WHERE "type" = 'booking_confirmation'
   AND "subject" = 'Din booking er bekræftet: {{bookingDate}} kl. {{bookingTime}}'
   AND "content" = 'Hej {{customerName}}

Tak for din booking. Vi kommer {{bookingDate}} kl. {{bookingTime}} til {{address}}.
Opgave: {{serviceType}}, ca. {{durationHours}} timer, i alt ca. {{totalAmount}} kr. inkl. moms.

Skal tiden ændres, så svar blot på denne e-mail.

Venlig hilsen
{{companyName}}';

INSERT INTO "email_templates" ("id", "tenant_id", "type", "name", "subject", "content", "active", "created_at", "updated_at")
SELECT gen_random_uuid(), "id", 'booking_moved', 'Booking ændret', 'Din booking er ændret: {{bookingDate}} kl. {{bookingTime}}', '{{greeting}}

Vi har ændret din booking. Vi kommer nu {{bookingDate}} kl. {{bookingTime}} til {{address}}.
Opgave: {{serviceType}}, ca. {{duration}}, i alt ca. {{totalAmount}} kr. inkl. moms.

Passer det nye tidspunkt ikke, så svar blot på denne e-mail.

Venlig hilsen
{{companyName}}', true, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP
  FROM "tenants"
ON CONFLICT ("tenant_id", "type") DO NOTHING;

INSERT INTO "email_templates" ("id", "tenant_id", "type", "name", "subject", "content", "active", "created_at", "updated_at")
SELECT gen_random_uuid(), "id", 'booking_cancelled', 'Booking aflyst', 'Din booking {{bookingDate}} kl. {{bookingTime}} er aflyst', '{{greeting}}

Vi har aflyst din {{serviceType}} {{bookingDate}} kl. {{bookingTime}} på {{address}}.

Ønsker du en ny tid, så svar blot på denne e-mail.

Venlig hilsen
{{companyName}}', true, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP
  FROM "tenants"
ON CONFLICT ("tenant_id", "type") DO NOTHING;

UPDATE "email_templates"
   SET "subject" = 'Påmindelse: vi kommer {{bookingDate}} kl. {{bookingTime}}',
       "content" = '{{greeting}}

En venlig påmindelse om, at vi kommer {{bookingDate}} kl. {{bookingTime}} til {{address}}.

Venlig hilsen
{{companyName}}',
       "updated_at" = CURRENT_TIMESTAMP
 WHERE "type" = 'booking_reminder'
   AND "subject" = 'Påmindelse: vi kommer {{bookingDate}} kl. {{bookingTime}}'
   AND "content" = 'Hej {{customerName}}

En venlig påmindelse om, at vi kommer {{bookingDate}} kl. {{bookingTime}} til {{address}}.

Venlig hilsen
{{companyName}}';

UPDATE "email_templates"
   SET "subject" = 'Påmindelse om faktura nr. {{invoiceNumber}}',
       "content" = '{{greeting}}

Vi har endnu ikke modtaget betaling for faktura nr. {{invoiceNumber}} på {{total}} kr. inkl. moms
med forfald den {{dueDate}}. Vi beder dig venligst betale beløbet hurtigst muligt.

Har du allerede betalt, kan du se bort fra denne påmindelse.

Venlig hilsen
{{companyName}}',
       "updated_at" = CURRENT_TIMESTAMP
 WHERE "type" = 'invoice_reminder'
   AND "subject" = 'Påmindelse om faktura {{invoiceNumber}}'
   AND "content" = 'Hej {{customerName}}

Vi har endnu ikke modtaget betaling for faktura {{invoiceNumber}} på {{total}} kr. inkl. moms,
som forfaldt {{dueDate}}. Vil du venligst betale hurtigst muligt?

Har du allerede betalt, kan du se bort fra denne påmindelse.

Venlig hilsen
{{companyName}}';
