-- Every tenant gets the two e-mails of a customer's own change (src/tenants/tenant-defaults.ts): a
-- booking the customer cancelled (with what it costs) and one they moved, through their booking link
-- or AFLYS/FLYT by SMS. A tenant that has them already keeps its own.
--
-- Row-level security is FORCEd on email_templates: the migration takes the system path for its own
-- transaction. The enum values were committed by the migration before this one (PostgreSQL cannot use
-- an enum value in the transaction that adds it).
SELECT set_config('app.system', 'on', true);

INSERT INTO "email_templates" ("id", "tenant_id", "type", "name", "subject", "content", "active", "created_at", "updated_at")
SELECT gen_random_uuid(), "id", 'booking_cancelled_by_customer', 'Kunden har aflyst', 'Din booking {{bookingDate}} kl. {{bookingTime}} er aflyst', '{{greeting}}

Tak for din besked. Vi har aflyst din {{serviceType}} {{bookingDate}} kl. {{bookingTime}} på {{address}}, som du bad om.

{{feeText}}

Ønsker du en ny tid, så svar blot på denne e-mail.

Venlig hilsen
{{companyName}}', true, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP
  FROM "tenants"
ON CONFLICT ("tenant_id", "type") DO NOTHING;

INSERT INTO "email_templates" ("id", "tenant_id", "type", "name", "subject", "content", "active", "created_at", "updated_at")
SELECT gen_random_uuid(), "id", 'booking_moved_by_customer', 'Kunden har flyttet sin booking', 'Din booking er flyttet til {{bookingDate}} kl. {{bookingTime}}', '{{greeting}}

Tak for din besked. Vi har flyttet din booking, som du bad om. Vi kommer nu {{bookingDate}} kl. {{bookingTime}} til {{address}}.
Opgave: {{serviceType}}, ca. {{duration}}, i alt ca. {{totalAmount}} kr. inkl. moms.

Venlig hilsen
{{companyName}}', true, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP
  FROM "tenants"
ON CONFLICT ("tenant_id", "type") DO NOTHING;
