-- Wingtel central backend, migration 6: privileges and row-level security on the domain tables.
--
-- Every table has RLS enabled. Workstation roles come from the JWT (app_metadata.role) and read the tables their work
-- needs (app_role_tables(), migration 2; matrix in db/central/README.md). Clients never write the domain tables
-- directly, with one exception: agents, operators and admins add care notes (care_interactions INSERT). Every other
-- change goes through push_operations. service_role (the Supabase service key) bypasses RLS, as on Supabase; anon gets
-- nothing.

DO $rls$
DECLARE
  t record;
BEGIN
  FOR t IN SELECT * FROM sync_tables() LOOP
    EXECUTE format('REVOKE ALL ON %I FROM PUBLIC, anon, authenticated', t.table_name);
    EXECUTE format('GRANT SELECT ON %I TO authenticated', t.table_name);
    EXECUTE format('GRANT ALL ON %I TO service_role', t.table_name);
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t.table_name);
    EXECUTE format('DROP POLICY IF EXISTS %I ON %I', t.table_name || '_read', t.table_name);
    EXECUTE format('CREATE POLICY %I ON %I FOR SELECT TO authenticated USING (%L = ANY ((SELECT app_readable_tables())::text[]))',
                   t.table_name || '_read', t.table_name, t.table_name);
  END LOOP;
END
$rls$;

-- care notes
GRANT INSERT ON care_interactions TO authenticated;
GRANT USAGE ON SEQUENCE care_interactions_id_seq TO authenticated;
DROP POLICY IF EXISTS care_interactions_insert ON care_interactions;
CREATE POLICY care_interactions_insert ON care_interactions FOR INSERT TO authenticated
  WITH CHECK ((SELECT app_role()) IN ('agent', 'operator', 'admin'));

-- server-only state
REVOKE ALL ON central_meta FROM PUBLIC, anon, authenticated;
GRANT SELECT ON central_meta TO service_role;
ALTER TABLE central_meta ENABLE ROW LEVEL SECURITY;

-- helpers that are not an API
REVOKE ALL ON FUNCTION sync_rotate_instance() FROM anon, authenticated;

INSERT INTO public.schema_version (version) VALUES ('20261122000006_rls') ON CONFLICT DO NOTHING;
