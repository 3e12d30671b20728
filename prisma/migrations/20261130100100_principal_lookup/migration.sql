-- The access-token check in one statement (issue 8, `npm run bench`): every authenticated request
-- looked its principal up in a system transaction — BEGIN, set_config('app.system'), the query,
-- COMMIT: four round trips. The function carries the system setting itself (a SET clause is applied on
-- entry and undone on exit), so one SELECT does it and the setting never outlives the call. It runs
-- as the caller (no SECURITY DEFINER): the app role may take the system path anyway; this only names
-- the one query the guard needs. Same query as AuthRepository.principal.
CREATE FUNCTION renos_principal(p_user_id uuid, p_tenant_id uuid, p_session_id uuid)
  RETURNS TABLE (active boolean, "isSuperadmin" boolean, role "Role", "tenantActive" boolean, "sessionLive" boolean)
  LANGUAGE sql STABLE
  SET app.system = 'on'
  AS $$
    SELECT u.active, u.is_superadmin, m.role, t.active,
           EXISTS (SELECT 1 FROM refresh_tokens r
                    WHERE r.family_id = p_session_id AND r.user_id = u.id AND r.revoked_at IS NULL)
      FROM users u
      LEFT JOIN tenants t ON t.id = p_tenant_id AND t.deleted_at IS NULL
      LEFT JOIN memberships m ON m.user_id = u.id AND m.tenant_id = t.id AND m.active
     WHERE u.id = p_user_id AND u.deleted_at IS NULL
  $$;
