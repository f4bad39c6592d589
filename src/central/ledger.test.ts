// The ledger: hash chain verified by SQL and by the independent TypeScript verifier; tampering is caught and named;
// no role may UPDATE, DELETE or TRUNCATE it.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { SqlClient } from './client'
import { seedCentral } from './fixtures'
import { verifyLedger } from './ledger'
import { asRole, createTestDatabase, type DbRole, type TestDatabase } from './test-db'

let db: TestDatabase

async function pushSome(c: SqlClient, n: number): Promise<void> {
  const ops = Array.from({ length: n }, (_, i) => ({
    op_id: i + 1,
    batch_id: 'b-led',
    action: i % 2 ? 'tag' : 'credit_wallet',
    line_id: i + 1,
    params: i % 2 ? { tag: 'audit', note: 'x "quoted" \\ ünïcode\n' } : { amount_cents: 100 + i, reason: 'goodwill' },
    base_version: 1,
    sentence: `op ${i} — "quoted", ünïcode`,
  }))
  await asRole(c, 'operator', {}, (tx) => tx.query('SELECT push_operations($1::jsonb)', [JSON.stringify({ client_id: 'ws-l', ops })]))
}

async function sqlVerify(c: SqlClient): Promise<{ ok: boolean; entries: number; first_bad_id: number | null; reason: string | null }> {
  const { rows } = await c.query<{ r: { ok: boolean; entries: number; first_bad_id: number | null; reason: string | null } }>(
    'SELECT ledger_verify() AS r',
  )
  return rows[0].r
}

describe('ledger', () => {
  beforeEach(async () => {
    db = await createTestDatabase()
    await seedCentral(db.client, { lines: 40 })
  })
  afterEach(async () => {
    await db.dispose()
  })

  it('verifies an intact chain in SQL and in TypeScript; ids have no gaps', async () => {
    const c = db.client
    expect(await sqlVerify(c)).toMatchObject({ ok: true, entries: 0, first_bad_id: null })
    expect(await verifyLedger(c)).toMatchObject({ ok: true, entries: 0 })
    await pushSome(c, 30)
    expect(await sqlVerify(c)).toMatchObject({ ok: true, entries: 30, first_bad_id: null })
    expect(await verifyLedger(c, { pageSize: 7 })).toEqual({ ok: true, entries: 30, first_bad_id: null, reason: null })
    const ids = await c.query<{ id: number }>('SELECT id::int FROM ledger ORDER BY id')
    expect(ids.rows.map((r) => r.id)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1))
    // the roles that audit may call ledger_verify; an agent may not
    for (const role of ['operator', 'admin', 'finance', 'analyst', 'service_role'] as const) {
      const r = await asRole(c, role, {}, async (tx) => (await tx.query<{ r: { ok: boolean } }>('SELECT ledger_verify() AS r')).rows[0].r)
      expect(r.ok).toBe(true)
    }
    await expect(asRole(c, 'agent', {}, (tx) => tx.query('SELECT ledger_verify()'))).rejects.toMatchObject({ code: '42501' })
  })

  it('catches a row changed by a superuser (triggers bypassed) and names it, in SQL and in TypeScript', async () => {
    const c = db.client
    await pushSome(c, 12)
    await c.exec(`
      SET session_replication_role = replica;
      UPDATE ledger SET params = '{"amount_cents": 99999}' WHERE id = 5;
      SET session_replication_role = origin;
    `)
    expect(await sqlVerify(c)).toMatchObject({ ok: false, entries: 12, first_bad_id: 5 })
    expect(await verifyLedger(c)).toMatchObject({ ok: false, entries: 12, first_bad_id: 5 })

    // a smarter forger recomputes the hash of the row it changed: the next row's link breaks
    await c.exec(`
      SET session_replication_role = replica;
      UPDATE ledger l SET hash = sha256(l.prev_hash || convert_to(ledger_canonical(l), 'UTF8')) WHERE id = 5;
      SET session_replication_role = origin;
    `)
    expect(await sqlVerify(c)).toMatchObject({ ok: false, first_bad_id: 6, reason: 'hash mismatch: prev_hash does not match the previous entry' })
    expect(await verifyLedger(c)).toMatchObject({ ok: false, first_bad_id: 6 })
  })

  it('catches deleted entries, in the middle and at the tail', async () => {
    const c = db.client
    await pushSome(c, 10)
    await c.exec(`SET session_replication_role = replica; DELETE FROM ledger WHERE id = 10; SET session_replication_role = origin;`)
    expect(await sqlVerify(c)).toMatchObject({ ok: false, first_bad_id: 10 })
    expect(await verifyLedger(c)).toMatchObject({ ok: false, first_bad_id: 10 })
    await c.exec(`SET session_replication_role = replica; DELETE FROM ledger WHERE id = 4; SET session_replication_role = origin;`)
    expect(await sqlVerify(c)).toMatchObject({ ok: false, first_bad_id: 5 })
    expect(await verifyLedger(c)).toMatchObject({ ok: false, first_bad_id: 5 })
  })

  it('is append-only: UPDATE, DELETE and TRUNCATE fail for every role, the owner/superuser included', async () => {
    const c = db.client
    await pushSome(c, 3)
    const roles: DbRole[] = ['anon', 'operator', 'admin', 'analyst', 'agent', 'finance', 'service_role']
    for (const role of roles) {
      for (const sql of ['UPDATE ledger SET actor = $$x$$ WHERE id = 1', 'DELETE FROM ledger WHERE id = 1', 'TRUNCATE ledger', 'UPDATE ledger_head SET last_id = 0', 'INSERT INTO ledger (at, client_id, op_id, actor, role, action, prev_hash, hash) VALUES ($$x$$, $$x$$, 1, $$x$$, $$x$$, $$x$$, $$\\x$$, $$\\x$$)']) {
        await expect(asRole(c, role, {}, (tx) => tx.query(sql)), `${role}: ${sql}`).rejects.toMatchObject({ code: '42501' })
      }
    }
    // the superuser (owner) is refused by the triggers
    for (const sql of ['UPDATE ledger SET actor = $$x$$ WHERE id = 1', 'DELETE FROM ledger WHERE id = 1', 'TRUNCATE ledger', 'UPDATE ledger_head SET last_id = 0', 'DELETE FROM ledger_head']) {
      await expect(c.query(sql), sql).rejects.toThrow(/append-only/)
    }
    const n = await c.query<{ n: number }>('SELECT count(*)::int AS n FROM ledger')
    expect(n.rows[0].n).toBe(3)
    expect((await sqlVerify(c)).ok).toBe(true)
  })
})
