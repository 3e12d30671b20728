-- Row-level security: the second wall behind the tenant-scoped data path (DESIGN.md section 3).
--
-- Every table with a tenant column is visible and writable only for the tenant named by the
-- transaction-local setting `app.tenant_id`, which the app's scoped Prisma client sets in every
-- transaction. FORCE makes it apply to the table owner as well; only superusers bypass it.
--
-- The few paths that must work before a tenant is known (login, refresh, the meeting-token lookup,
-- webhook routing, the outbox sweeper, schedule fan-out) go through the app's one named system data
-- path, which sets `app.system = 'on'` for its own transaction only. Without either setting a query
-- sees no rows and cannot write any.

CREATE FUNCTION renos_current_tenant() RETURNS uuid
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT NULLIF(current_setting('app.tenant_id', true), '')::uuid $$;

CREATE FUNCTION renos_system_access() RETURNS boolean
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT coalesce(current_setting('app.system', true), '') = 'on' $$;


ALTER TABLE "memberships" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "memberships" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "memberships"
  USING (tenant_id = renos_current_tenant() OR renos_system_access())
  WITH CHECK (tenant_id = renos_current_tenant() OR renos_system_access());

ALTER TABLE "teams" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "teams" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "teams"
  USING (tenant_id = renos_current_tenant() OR renos_system_access())
  WITH CHECK (tenant_id = renos_current_tenant() OR renos_system_access());

ALTER TABLE "refresh_tokens" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "refresh_tokens" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "refresh_tokens"
  USING (tenant_id = renos_current_tenant() OR renos_system_access())
  WITH CHECK (tenant_id = renos_current_tenant() OR renos_system_access());

ALTER TABLE "integration_accounts" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "integration_accounts" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "integration_accounts"
  USING (tenant_id = renos_current_tenant() OR renos_system_access())
  WITH CHECK (tenant_id = renos_current_tenant() OR renos_system_access());

ALTER TABLE "customers" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "customers" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "customers"
  USING (tenant_id = renos_current_tenant() OR renos_system_access())
  WITH CHECK (tenant_id = renos_current_tenant() OR renos_system_access());

ALTER TABLE "leads" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "leads" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "leads"
  USING (tenant_id = renos_current_tenant() OR renos_system_access())
  WITH CHECK (tenant_id = renos_current_tenant() OR renos_system_access());

ALTER TABLE "bookings" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "bookings" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "bookings"
  USING (tenant_id = renos_current_tenant() OR renos_system_access())
  WITH CHECK (tenant_id = renos_current_tenant() OR renos_system_access());

ALTER TABLE "slot_offers" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "slot_offers" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "slot_offers"
  USING (tenant_id = renos_current_tenant() OR renos_system_access())
  WITH CHECK (tenant_id = renos_current_tenant() OR renos_system_access());

ALTER TABLE "invoices" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "invoices" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "invoices"
  USING (tenant_id = renos_current_tenant() OR renos_system_access())
  WITH CHECK (tenant_id = renos_current_tenant() OR renos_system_access());

ALTER TABLE "invoice_lines" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "invoice_lines" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "invoice_lines"
  USING (tenant_id = renos_current_tenant() OR renos_system_access())
  WITH CHECK (tenant_id = renos_current_tenant() OR renos_system_access());

ALTER TABLE "activities" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "activities" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "activities"
  USING (tenant_id = renos_current_tenant() OR renos_system_access())
  WITH CHECK (tenant_id = renos_current_tenant() OR renos_system_access());

ALTER TABLE "email_templates" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "email_templates" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "email_templates"
  USING (tenant_id = renos_current_tenant() OR renos_system_access())
  WITH CHECK (tenant_id = renos_current_tenant() OR renos_system_access());

ALTER TABLE "sms_messages" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "sms_messages" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "sms_messages"
  USING (tenant_id = renos_current_tenant() OR renos_system_access())
  WITH CHECK (tenant_id = renos_current_tenant() OR renos_system_access());

ALTER TABLE "sms_opt_outs" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "sms_opt_outs" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "sms_opt_outs"
  USING (tenant_id = renos_current_tenant() OR renos_system_access())
  WITH CHECK (tenant_id = renos_current_tenant() OR renos_system_access());

ALTER TABLE "outbound_emails" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "outbound_emails" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "outbound_emails"
  USING (tenant_id = renos_current_tenant() OR renos_system_access())
  WITH CHECK (tenant_id = renos_current_tenant() OR renos_system_access());

ALTER TABLE "inbound_events" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "inbound_events" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "inbound_events"
  USING (tenant_id = renos_current_tenant() OR renos_system_access())
  WITH CHECK (tenant_id = renos_current_tenant() OR renos_system_access());

ALTER TABLE "outbox_jobs" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "outbox_jobs" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "outbox_jobs"
  USING (tenant_id = renos_current_tenant() OR renos_system_access())
  WITH CHECK (tenant_id = renos_current_tenant() OR renos_system_access());

ALTER TABLE "audit_logs" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "audit_logs" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "audit_logs"
  USING (tenant_id = renos_current_tenant() OR renos_system_access())
  WITH CHECK (tenant_id = renos_current_tenant() OR renos_system_access());
