// The central migrator: from scratch, and the upgrade of a database migrated by an earlier build (a prefix of the
// files) with only the new files applied on top.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { seedCentral } from './fixtures'
import { verifyLedger } from './ledger'
import { appliedCentralMigrations, applyCentralMigrations, knownCentralMigrations } from './migrate'
import { asRole, createTestDatabase, type TestDatabase } from './test-db'

let db: TestDatabase | undefined
let dir: string | undefined

describe('central migrations', () => {
  afterEach(async () => {
    if (dir) rmSync(dir, { recursive: true, force: true })
    await db?.dispose()
    db = undefined
    dir = undefined
  })

  it('upgrades a database at 20261122000006 to the debit_wallet migration, and a rerun applies nothing', async () => {
    const known = knownCentralMigrations()
    const at6 = known.findIndex((m) => m.version === '20261122000006_rls') + 1
    expect(at6).toBeGreaterThan(0)
    expect(known.map((m) => m.version)).toContain('20261122000007_debit_wallet')
    db = await createTestDatabase({ migrate: false })
    const c = db.client
    // an earlier build: only the files up to 6
    dir = mkdtempSync(join(tmpdir(), 'wt-central-mig-'))
    for (const m of known.slice(0, at6)) writeFileSync(join(dir, `${m.version}.sql`), m.sql)
    expect((await applyCentralMigrations(c, { dir })).applied).toHaveLength(at6)
    await seedCentral(c, { lines: 10 })
    const pushDebit = (opId: number) =>
      asRole(c, 'operator', {}, async (tx) => {
        const { rows } = await tx.query<{ r: { results: { status: string; reason: string | null }[] } }>(
          'SELECT push_operations($1::jsonb) AS r',
          [JSON.stringify({ client_id: 'ws-m', ops: [{ op_id: opId, batch_id: 'b', action: 'debit_wallet', line_id: 1, params: { amount_cents: 100 }, base_version: 1, sentence: 's' }] })],
        )
        return rows[0].r.results[0]
      })
    expect(await pushDebit(1)).toMatchObject({ status: 'rejected', reason: 'unknown action debit_wallet' })
    // this build: the new files only, on the existing data
    const up = await applyCentralMigrations(c)
    expect(up).toEqual({ applied: known.slice(at6).map((m) => m.version), already: at6 })
    expect(await appliedCentralMigrations(c)).toEqual(known.map((m) => m.version))
    expect(await pushDebit(2)).toMatchObject({ status: 'applied', reason: null })
    const w = await c.query<{ w: number }>(`SELECT wallet_cents::int AS w FROM accounts WHERE id = 'ACC-000001'`)
    expect(w.rows[0].w).toBe(100 - 100) // seeded (1 % 7) * 100
    expect((await verifyLedger(c)).ok).toBe(true)
    expect(await applyCentralMigrations(c)).toEqual({ applied: [], already: known.length })
    // push_apply_op is still not callable by clients after CREATE OR REPLACE
    await expect(
      asRole(c, 'operator', {}, (tx) => tx.query(`SELECT push_apply_op('x', '{}'::jsonb, 'operator', 'a', '2026-01-01')`)),
    ).rejects.toMatchObject({ code: '42501' })
  })
})
