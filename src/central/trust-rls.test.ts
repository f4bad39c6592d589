// Issue 11, attack 3 (an RLS bypass through the search_path) and the audit that keeps every function behind a policy,
// and every SECURITY DEFINER function, on a fixed search_path.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { SqlClient } from './client'
import { seedCentral } from './fixtures'
import { asRole, claimsFor, createTestDatabase, type DbRole, type TestDatabase } from './test-db'

let db: TestDatabase

/**
 * Counts rows of `tables` as a signed-in user (role authenticated, these claims) in a session that holds temporary
 * tables shadowing the catalogs app_readable_tables() reads: pg_roles saying "authenticated bypasses RLS" and pg_class
 * saying "authenticated owns every table". Created by the login before SET ROLE, as a direct-Postgres login (or anyone
 * with TEMP) can: the shadow is in the session's pg_temp, which is searched first unless a function's path names it.
 */
async function countsWithShadowCatalogs(c: SqlClient, claims: Record<string, unknown>, tables: string[]): Promise<Record<string, number>> {
  return c.transaction(async (tx) => {
    await tx.exec(`
      CREATE TEMP TABLE pg_roles ON COMMIT DROP AS
        SELECT 'authenticated'::name AS rolname, true AS rolbypassrls, true AS rolsuper;
      CREATE TEMP TABLE pg_class ON COMMIT DROP AS
        SELECT oid, 'authenticated'::regrole::oid AS relowner FROM pg_catalog.pg_class WHERE relnamespace = 'public'::regnamespace;
      GRANT SELECT ON pg_temp.pg_roles, pg_temp.pg_class TO authenticated;`)
    await tx.query(`SELECT set_config('role', 'authenticated', true)`)
    await tx.query(`SELECT set_config('request.jwt.claims', $1, true)`, [JSON.stringify(claims)])
    const out: Record<string, number> = {}
    for (const t of tables) out[t] = (await tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM public.${t}`)).rows[0].n
    return out
  })
}

describe('attack 3: policies cannot be widened through the search_path', () => {
  beforeEach(async () => {
    db = await createTestDatabase()
    await seedCentral(db.client, { lines: 20 })
  })
  afterEach(async () => {
    await db?.dispose()
  })

  it('attack 3: a finance user with a temporary pg_roles/pg_class still reads no care notes and no lines', async () => {
    const seen = await countsWithShadowCatalogs(db.client, claimsFor('finance'), ['care_interactions', 'lines', 'usage_daily', 'accounts'])
    expect(seen).toEqual({ care_interactions: 0, lines: 0, usage_daily: 0, accounts: 10 })
  })

  it('attack 3: a user with no role (claims without app_metadata.role) and the same shadows reads no accounts or payments', async () => {
    const claims = { ...claimsFor('agent'), app_metadata: { provider: 'email' } }
    const seen = await countsWithShadowCatalogs(db.client, claims, ['accounts', 'payments', 'care_interactions', 'sync_changes'])
    expect(seen).toEqual({ accounts: 0, payments: 0, care_interactions: 0, sync_changes: 0 })
  })

  it('attack 3: the client roles may not create temporary tables at all', async () => {
    for (const role of ['agent', 'finance', 'anon'] as DbRole[]) {
      await expect(
        asRole(db.client, role, {}, (tx) => tx.exec(`CREATE TEMP TABLE pg_roles (rolname name, rolbypassrls boolean, rolsuper boolean)`)),
        role,
      ).rejects.toMatchObject({ code: '42501' })
    }
    // the server's own roles keep it
    await expect(asRole(db.client, 'service_role', {}, (tx) => tx.exec(`CREATE TEMP TABLE scratch (x int) ON COMMIT DROP`))).resolves.toBeUndefined()
  })

  it('attack 4: client roles hold no privilege on any id sequence (no setval onto an existing id)', async () => {
    for (const role of ['agent', 'operator', 'anon'] as DbRole[]) {
      await expect(asRole(db.client, role, {}, (tx) => tx.query(`SELECT setval('care_interactions_id_seq', 1)`)), role).rejects.toMatchObject({ code: '42501' })
    }
    const { rows } = await db.client.query<{ seq: string; role: string }>(`
      SELECT c.relname AS seq, r.rolname AS role
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace, pg_roles r
      WHERE n.nspname = 'public' AND c.relkind = 'S' AND r.rolname IN ('anon', 'authenticated')
        AND (has_sequence_privilege(r.oid, c.oid, 'UPDATE') OR has_sequence_privilege(r.oid, c.oid, 'USAGE')
             OR has_sequence_privilege(r.oid, c.oid, 'SELECT'))`)
    expect(rows).toEqual([])
  })

  it('every function a policy calls (and what it calls), and every SECURITY DEFINER function, has its own search_path ending in pg_temp', async () => {
    const { rows: fns } = await db.client.query<{ oid: number; name: string; secdef: boolean; config: string[] | null; src: string }>(`
      SELECT p.oid::int AS oid, p.proname AS name, p.prosecdef AS secdef, p.proconfig AS config, p.prosrc AS src
      FROM pg_proc p WHERE p.pronamespace = 'public'::regnamespace`)
    const { rows: used } = await db.client.query<{ oid: number }>(`
      SELECT DISTINCT d.refobjid::int AS oid FROM pg_depend d
      WHERE d.classid = 'pg_policy'::regclass AND d.refclassid = 'pg_proc'::regclass`)
    // policies record their functions in pg_depend; function bodies do not, so follow calls by name in the source
    const byName = new Map(fns.map((f) => [f.name, f]))
    const audit = new Set<string>(fns.filter((f) => f.secdef).map((f) => f.name))
    const seen = new Set<string>()
    const queue = fns.filter((f) => used.some((u) => u.oid === f.oid)).map((f) => f.name)
    while (queue.length) {
      const name = queue.pop()!
      if (seen.has(name)) continue
      seen.add(name)
      audit.add(name)
      for (const other of byName.keys()) {
        if (!seen.has(other) && new RegExp(`\\b${other}\\s*\\(`).test(byName.get(name)!.src)) queue.push(other)
      }
    }
    expect([...audit]).toEqual(expect.arrayContaining(['app_readable_tables', 'app_role', 'app_role_tables', 'push_operations', 'sync_log_row']))
    const unsafe = [...audit]
      .map((n) => byName.get(n)!)
      .filter((f) => {
        const path = (f.config ?? []).find((s) => s.startsWith('search_path='))
        // pg_temp must be named (else it is searched first) and last
        return !path || !/(^|[=,\s])pg_temp\s*$/.test(path)
      })
      .map((f) => `${f.name}: ${JSON.stringify(f.config)}`)
    expect(unsafe, 'functions without SET search_path = …, pg_temp').toEqual([])
  })
})
