// Row-level security: each role, under the claims PostgREST sets, reads and does only what it may.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { SqlClient } from './client'
import { pullAs, seedCentral, SYNCED } from './fixtures'
import { asRole, createTestDatabase, type DbRole, type TestDatabase } from './test-db'

// The matrix of db/central/README.md (read access per synced table).
const ALL = [...SYNCED]
const READS: Record<Exclude<DbRole, 'service_role'>, string[]> = {
  operator: ALL,
  admin: ALL,
  analyst: ALL.filter((t) => t !== 'care_interactions'),
  agent: ['plans', 'addons', 'accounts', 'lines', 'invoices', 'invoice_items', 'payments', 'care_interactions', 'line_events'],
  finance: ['plans', 'addons', 'accounts', 'invoices', 'invoice_items', 'payments'],
  anon: [],
}

let db: TestDatabase

async function visibleCounts(c: SqlClient, role: DbRole): Promise<Record<string, number>> {
  return asRole(c, role, {}, async (tx) => {
    const out: Record<string, number> = {}
    for (const t of SYNCED) {
      const { rows } = await tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${t}`)
      out[t] = rows[0].n
    }
    return out
  })
}

describe('row-level security', () => {
  beforeEach(async () => {
    db = await createTestDatabase()
    await seedCentral(db.client, { lines: 30 })
    // some log entries in every table (as a superuser, with the log on)
    await db.client.exec(`
      UPDATE plans SET name = name; UPDATE addons SET name = name; UPDATE accounts SET name = name WHERE id = 'ACC-000001';
      UPDATE lines SET tags = 'x' WHERE id = 1; UPDATE usage_cycles SET sms = sms WHERE line_id = 1;
      UPDATE usage_daily SET mb = mb WHERE line_id = 1; UPDATE invoices SET status = status WHERE id = 1;
      UPDATE invoice_items SET code = code WHERE id = 1; UPDATE payments SET status = status WHERE id = 1;
      UPDATE care_interactions SET summary = summary WHERE id = 1; UPDATE line_events SET detail = detail WHERE id = 1;
    `)
  })
  afterEach(async () => {
    await db?.dispose()
  })

  it('each role reads exactly the tables of its work (direct SELECT)', async () => {
    const total = await visibleCounts(db.client, 'service_role') // bypasses RLS
    expect(Object.values(total).every((n) => n > 0)).toBe(true)
    for (const [role, tables] of Object.entries(READS)) {
      if (role === 'anon') {
        // anon has no privilege on any table
        for (const t of SYNCED) {
          await expect(asRole(db.client, 'anon', {}, (tx) => tx.query(`SELECT count(*) FROM ${t}`)), t).rejects.toMatchObject({ code: '42501' })
        }
        continue
      }
      const seen = await visibleCounts(db.client, role as DbRole)
      for (const t of SYNCED) expect(seen[t], `${role} reading ${t}`).toBe(tables.includes(t) ? total[t] : 0)
    }
  })

  it('an unknown or missing app_metadata.role reads nothing', async () => {
    const noRole = await asRole(db.client, 'operator', { app_metadata: {} }, async (tx) =>
      (await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM lines')).rows[0].n,
    )
    expect(noRole).toBe(0)
    const forged = await asRole(db.client, 'operator', { app_metadata: { role: 'superhero' } }, async (tx) =>
      (await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM accounts')).rows[0].n,
    )
    expect(forged).toBe(0)
  })

  it('sync_pull delivers only readable tables, in the snapshot and from the log', async () => {
    for (const [role, tables] of Object.entries(READS)) {
      if (role === 'anon') {
        await expect(pullAs(db.client, 'anon', null)).rejects.toMatchObject({ code: '42501' })
        continue
      }
      const seen = new Set<string>()
      let cursor: string | null = null
      for (let i = 0; i < 100; i++) {
        const p = await pullAs(db.client, role as DbRole, cursor, 10_000)
        p.changes.forEach((ch) => seen.add(ch.table))
        cursor = p.cursor
        if (!p.has_more) break
      }
      expect([...seen].sort(), role).toEqual([...tables].sort())
      // log replay from before the updates (a cursor whose H0 precedes them): only readable tables' entries
      const log = await asRole(db.client, role as DbRole, {}, async (tx) => {
        const { rows } = await tx.query<{ t: string }>('SELECT DISTINCT table_name AS t FROM sync_changes')
        return rows.map((r) => r.t).sort()
      })
      expect(log, `${role} log`).toEqual([...tables].sort())
    }
  })

  it('writes: only push_operations changes the domain; agents, operators and admins add care notes', async () => {
    const c = db.client
    for (const role of ['operator', 'admin', 'analyst', 'agent', 'finance'] as const) {
      await expect(asRole(c, role, {}, (tx) => tx.query(`UPDATE lines SET status = 'active' WHERE id = 10`)), role).rejects.toMatchObject({ code: '42501' })
      await expect(asRole(c, role, {}, (tx) => tx.query(`DELETE FROM accounts WHERE id = 'ACC-000001'`)), role).rejects.toMatchObject({ code: '42501' })
      await expect(asRole(c, role, {}, (tx) => tx.query(`INSERT INTO sync_changes (table_name, op, pk) VALUES ('lines', 'delete', '{"id": 1}')`)), role).rejects.toMatchObject({ code: '42501' })
      await expect(asRole(c, role, {}, (tx) => tx.query(`SELECT * FROM applied_ops`)), role).rejects.toMatchObject({ code: '42501' })
      await expect(asRole(c, role, {}, (tx) => tx.query(`SELECT * FROM central_meta`)), role).rejects.toMatchObject({ code: '42501' })
      const note = asRole(c, role, {}, (tx) =>
        // (id, agent and created_at are the server's: care-notes.test.ts)
        tx.query(`INSERT INTO care_interactions (account_id, line_id, channel, category, summary)
                  VALUES ('ACC-000001', 1, 'call', 'billing', 'note by ${role}')`),
      )
      if (['agent', 'operator', 'admin'].includes(role)) await expect(note, role).resolves.toBeDefined()
      else await expect(note, role).rejects.toMatchObject({ code: '42501' })
    }
    // the ledger is readable by the roles that audit, not by agents
    for (const [role, n] of [['finance', 0], ['analyst', 0], ['agent', 0]] as const) {
      const r = await asRole(c, role, {}, async (tx) => (await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM ledger')).rows[0].n)
      expect(r).toBe(n)
    }
    // operators push; analysts, agents and finance are refused for the whole call
    const batch = { client_id: 'ws-rls', ops: [{ op_id: 1, batch_id: 'b', action: 'tag', line_id: 2, params: { tag: 'rls' }, base_version: 1, sentence: 's' }] }
    for (const role of ['analyst', 'agent', 'finance'] as const) {
      await expect(asRole(c, role, {}, (tx) => tx.query('SELECT push_operations($1::jsonb)', [JSON.stringify(batch)])), role).rejects.toMatchObject({
        code: '42501',
        message: expect.stringContaining(`role ${role} may not execute operations`),
      })
    }
    const ok = await asRole(c, 'operator', {}, async (tx) => (await tx.query<{ r: { results: { status: string }[] } }>('SELECT push_operations($1::jsonb) AS r', [JSON.stringify(batch)])).rows[0].r)
    expect(ok.results[0].status).toBe('applied')
    for (const role of ['finance', 'analyst', 'operator'] as const) {
      const r = await asRole(c, role, {}, async (tx) => (await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM ledger')).rows[0].n)
      expect(r, role).toBe(1)
    }
    const agentLedger = await asRole(c, 'agent', {}, async (tx) => (await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM ledger')).rows[0].n)
    expect(agentLedger).toBe(0)
  })
})
