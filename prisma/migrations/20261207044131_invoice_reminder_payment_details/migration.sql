-- The reminder names the due date with its weekday ("tirsdag d. 22. marts 2027") and tells how to pay.
-- Only templates still word for word the previous default change; a business's own wording stays.
UPDATE "email_templates"
   SET "content" = '{{greeting}}

Vi har endnu ikke modtaget betaling for faktura nr. {{invoiceNumber}} på {{total}} kr. inkl. moms
med forfald {{dueDate}}. Vi beder dig venligst betale beløbet hurtigst muligt.

{{paymentDetails}}

Har du allerede betalt, kan du se bort fra denne påmindelse.

Venlig hilsen
{{companyName}}',
       "updated_at" = CURRENT_TIMESTAMP
 WHERE "type" = 'invoice_reminder'
   AND "content" = '{{greeting}}

Vi har endnu ikke modtaget betaling for faktura nr. {{invoiceNumber}} på {{total}} kr. inkl. moms
med forfald den {{dueDate}}. Vi beder dig venligst betale beløbet hurtigst muligt.

Har du allerede betalt, kan du se bort fra denne påmindelse.

Venlig hilsen
{{companyName}}';
