-- Jobs are named after the folder that handles them (intake.*, invoices.*). Outbox rows written under
-- the former names, relayed or not, take the new ones; the worker still runs a job that reached Redis
-- under a former name (RENAMED_JOBS in src/core/queue/jobs.ts).
--
-- Row-level security is FORCEd on the table: the migration's transaction takes the system path, as the
-- app's named system transactions do, to reach every tenant's rows.
SELECT set_config('app.system', 'on', true);

UPDATE "outbox_jobs"
   SET "job_name" = CASE "job_name"
     WHEN 'gmail.sync' THEN 'intake.sync-mailbox'
     WHEN 'gmail.import' THEN 'intake.import-message'
     WHEN 'gmail.sync-all' THEN 'intake.sync-all-mailboxes'
     WHEN 'gmail.renew-watch' THEN 'intake.renew-watches'
     WHEN 'billing.push-invoice' THEN 'invoices.push-to-billy'
     WHEN 'billing.poll-payments' THEN 'invoices.poll-payments'
     WHEN 'billing.mark-overdue' THEN 'invoices.mark-overdue'
   END
 WHERE "job_name" IN ('gmail.sync', 'gmail.import', 'gmail.sync-all', 'gmail.renew-watch',
                      'billing.push-invoice', 'billing.poll-payments', 'billing.mark-overdue');
