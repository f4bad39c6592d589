// push_operations: per-op outcomes, carrier rules, idempotency, atomicity with the ledger, bad input.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { num, type SqlClient } from './client'
import { seedCentral } from './fixtures'
import { verifyLedger } from './ledger'
import { asRole, createTestDatabase, type DbRole, type TestDatabase } from './test-db'

interface Result {
  op_id: number
  status: string
  reason: string | null
  row_version: number | null
  ledger_id: number | null
  original_status?: string
}

async function push(client: SqlClient, batch: unknown, role: DbRole = 'operator'): Promise<Result[]> {
  return asRole(client, role, { email: `${role}@wingtel.example` }, async (tx) => {
    const { rows } = await tx.query<{ r: { protocol: number; results: Result[] } }>('SELECT push_operations($1::jsonb) AS r', [
      JSON.stringify(batch),
    ])
    expect(rows[0].r.protocol).toBe(1)
    return rows[0].r.results
  })
}

async function line(client: SqlClient, id: number) {
  const { rows } = await client.query<{ status: string; plan_code: string; tags: string; addons: string; row_version: number; topup_mb: number }>(
    'SELECT status, plan_code, tags, addons, row_version::int, topup_mb::int FROM lines WHERE id = $1',
    [id],
  )
  return rows[0]
}

let db: TestDatabase
let seq = 0
const op = (action: string, line_id: number, params: Record<string, unknown>, base_version: number) => ({
  op_id: ++seq,
  batch_id: 'b-1',
  action,
  line_id,
  params,
  base_version,
  sentence: `${action} test`,
})

describe('push_operations', () => {
  beforeEach(async () => {
    db = await createTestDatabase()
    await seedCentral(db.client, { lines: 60 })
    seq = 0
  })
  afterEach(async () => {
    await db.dispose()
  })

  it('applies, rejects and reports conflicts per op, never blocking the ops after a failure', async () => {
    const c = db.client
    const before = await line(c, 1) // active, plan index 1
    const ops = [
      op('suspend', 1, { reason: 'non-payment' }, before.row_version),
      op('suspend', 1, {}, before.row_version + 1), // already suspended → rejected
      op('frobnicate', 1, {}, before.row_version + 1), // unknown action → rejected
      op('resume', 2, {}, (await line(c, 2)).row_version), // not suspended → rejected
      op('tag', 3, { tag: 'follow-up' }, 999), // stale version → conflict
      op('add_addon', 4, { addon: 'FOO' }, (await line(c, 4)).row_version), // unknown add-on
      op('change_plan', 5, { plan: 'NOPE' }, (await line(c, 5)).row_version), // unknown plan
      op('credit_wallet', 6, { amount_cents: 500, reason: 'outage' }, (await line(c, 6)).row_version),
      op('tag', 7, { tag: 'follow-up' }, (await line(c, 7)).row_version),
      op('add_addon', 8, { addon: 'TOPUP_1GB' }, (await line(c, 8)).row_version),
      op('send_notification', 9, { channel: 'sms', message: 'Hi' }, (await line(c, 9)).row_version),
      op('resume', 10, {}, (await line(c, 10)).row_version), // line 10 is suspended → applied
      op('change_plan', 10, { plan: 'DATA_15' }, 0), // conflict (version moved)
      op('tag', 12345, { tag: 'x' }, 1), // unknown line
    ]
    const r = await push(c, { client_id: 'ws-1', ops })
    expect(r.map((x) => x.status)).toEqual([
      'applied', 'rejected', 'rejected', 'rejected', 'conflict', 'rejected', 'rejected', 'applied', 'applied', 'applied',
      'applied', 'applied', 'conflict', 'rejected',
    ])
    expect(r[1].reason).toBe('line is already suspended')
    expect(r[2].reason).toBe('unknown action frobnicate')
    expect(r[3].reason).toMatch(/line is not suspended/)
    expect(r[4].reason).toMatch(/version/)
    expect(r[5].reason).toBe('unknown add-on FOO')
    expect(r[6].reason).toBe('unknown plan NOPE')
    expect(r[13].reason).toBe('unknown line 12345')
    expect(num(r[0].row_version)).toBe(before.row_version + 1)
    expect((await line(c, 1)).status).toBe('suspended')
    expect((await line(c, 7)).tags).toBe('follow-up')
    expect((await line(c, 8)).topup_mb).toBe(1024)
    expect((await line(c, 10)).status).toBe('active')
    const acct = await c.query<{ w: number; v: number }>(
      `SELECT wallet_cents::int AS w, row_version::int AS v FROM accounts WHERE id = (SELECT account_id FROM lines WHERE id = 6)`,
    )
    expect(acct.rows[0]).toEqual({ w: 300 + 500, v: 2 }) // line 6 → account 3, seeded wallet (3 % 7) * 100
    // each applied op: one ledger entry and one line event with actor and batch id
    const applied = r.filter((x) => x.status === 'applied')
    const led = await c.query<{ n: number }>('SELECT count(*)::int AS n FROM ledger')
    expect(led.rows[0].n).toBe(applied.length)
    const ev = await c.query<{ n: number }>(`SELECT count(*)::int AS n FROM line_events WHERE batch_id = 'b-1' AND actor = 'operator@wingtel.example'`)
    expect(ev.rows[0].n).toBe(applied.length)
    expect(applied.every((x) => x.ledger_id !== null)).toBe(true)
    expect((await verifyLedger(c)).ok).toBe(true)
  })

  it('is idempotent per (client_id, op_id): a replay returns the original results as duplicate', async () => {
    const c = db.client
    const ops = [op('tag', 1, { tag: 'a' }, 1), op('suspend', 2, {}, 1), op('resume', 3, {}, 1)]
    const first = await push(c, { client_id: 'ws-1', ops })
    const again = await push(c, { client_id: 'ws-1', ops })
    expect(again.map((x) => x.status)).toEqual(['duplicate', 'duplicate', 'duplicate'])
    expect(again.map((x) => x.original_status)).toEqual(first.map((x) => x.status))
    expect(again.map((x) => x.ledger_id)).toEqual(first.map((x) => x.ledger_id))
    // the same op ids from another workstation are different ops
    const other = await push(c, { client_id: 'ws-2', ops: [op('tag', 4, { tag: 'a' }, 1)] })
    expect(other[0].status).toBe('applied')
    // a duplicate inside one batch
    const dup = await push(c, { client_id: 'ws-3', ops: [{ ...ops[0], line_id: 5 }, { ...ops[0], line_id: 5 }] })
    expect(dup.map((x) => x.status)).toEqual(['applied', 'duplicate'])
    const n = await c.query<{ n: number }>('SELECT count(*)::int AS n FROM ledger')
    expect(n.rows[0].n).toBe(first.filter((x) => x.status === 'applied').length + 2)
  })

  it('enforces the carrier rules: at most 4 plan changes per line per calendar month, none while suspended', async () => {
    const c = db.client
    const plans = ['DATA_1', 'DATA_5', 'DATA_15', 'UNL_PLUS', 'DATA_1', 'DATA_5']
    let v = (await line(c, 1)).row_version
    const results: Result[] = []
    for (const p of plans) {
      const [r] = await push(c, { client_id: 'ws-1', ops: [op('change_plan', 1, { plan: p }, v)] })
      results.push(r)
      v = (await line(c, 1)).row_version
    }
    const statuses = results.map((r) => r.status)
    // line 1 starts on plan index 1 (HOMEFI_300): the first four changes apply, the fifth is refused
    expect(statuses.slice(0, 4)).toEqual(['applied', 'applied', 'applied', 'applied'])
    expect(statuses[4]).toBe('rejected')
    expect(results[4].reason).toBe('carrier allows at most 4 plan changes per month')
    const [s] = await push(c, { client_id: 'ws-1', ops: [op('change_plan', 10, { plan: 'DATA_15' }, (await line(c, 10)).row_version)] })
    expect(s.status).toBe('rejected')
    expect(s.reason).toBe('carrier allows no plan change while the line is suspended')
  })

  it('refuses roles other than operator and admin for the whole call (42501)', async () => {
    for (const role of ['analyst', 'agent', 'finance', 'anon'] as const) {
      await expect(push(db.client, { client_id: 'ws-x', ops: [op('tag', 1, { tag: 'a' }, 1)] }, role)).rejects.toMatchObject({
        code: '42501',
      })
    }
    const r = await push(db.client, { client_id: 'ws-a', ops: [op('tag', 1, { tag: 'a' }, 1)] }, 'admin')
    expect(r[0].status).toBe('applied')
    const n = await db.client.query<{ n: number }>('SELECT count(*)::int AS n FROM ledger')
    expect(n.rows[0].n).toBe(1)
  })

  it('rejects only the bad op of a batch; a malformed batch is a clear error and writes nothing', async () => {
    const c = db.client
    const r = await push(c, {
      client_id: 'ws-1',
      ops: [
        op('delete_all_subscribers', 1, {}, 1),
        op('tag', 2, { tag: 'Has Spaces' }, 1),
        op('credit_wallet', 3, { amount_cents: -5 }, 1),
        op('send_notification', 4, { channel: 'fax', message: 'x' }, 1),
        { op_id: 99, action: 'tag', line_id: 'x', params: { tag: 'a' }, base_version: 1 },
        { op_id: 100, action: 'tag', line_id: 6, params: { tag: 'a' } },
        op('tag', 7, { tag: 'ok' }, 1),
      ],
    })
    expect(r.map((x) => x.status)).toEqual(['rejected', 'rejected', 'rejected', 'rejected', 'rejected', 'rejected', 'applied'])
    expect(r[0].reason).toBe('unknown action delete_all_subscribers')
    for (const bad of [null, [], { ops: [] }, { client_id: 'x' }, { client_id: 'x', ops: {} }, { client_id: 'x', ops: [{ action: 'tag' }] }]) {
      await expect(push(c, bad)).rejects.toMatchObject({ code: '22023', message: expect.stringMatching(/push_operations: /) })
    }
    await expect(
      asRole(c, 'operator', {}, (tx) => tx.query(`SELECT push_operations('{"client_id": "x", "ops": [1, 2')`)),
    ).rejects.toThrow(/invalid input syntax for type json/)
    const n = await c.query<{ n: number }>('SELECT count(*)::int AS n FROM applied_ops')
    expect(n.rows[0].n).toBe(7)
  })

  it('rolls an op back with its ledger entry when it fails half-way, and goes on with the next op', async () => {
    const c = db.client
    // make line 2's account vanish so credit_wallet fails after the line was read; and break add_addon for line 3 by
    // a CHECK that fires during the UPDATE (an unexpected error inside the op's subtransaction)
    await c.exec(`SET wingtel.sync_log = 'off'; ALTER TABLE lines ADD CONSTRAINT no_hotspot CHECK (addons NOT LIKE '%HOTSPOT%'); RESET wingtel.sync_log`)
    const r = await push(c, {
      client_id: 'ws-1',
      ops: [op('add_addon', 3, { addon: 'HOTSPOT' }, 1), op('tag', 4, { tag: 'after' }, 1)],
    })
    expect(r[0].status).toBe('rejected')
    expect(r[0].reason).toMatch(/server error: .*no_hotspot/)
    expect(r[1].status).toBe('applied')
    expect((await line(c, 3)).addons).not.toMatch(/HOTSPOT/)
    expect((await line(c, 3)).row_version).toBe(1)
    const led = await c.query<{ line_id: number }>('SELECT line_id::int FROM ledger ORDER BY id')
    expect(led.rows.map((x) => x.line_id)).toEqual([4])
    const ev = await c.query<{ n: number }>(`SELECT count(*)::int AS n FROM line_events WHERE line_id = 3 AND kind = 'addon_added'`)
    expect(ev.rows[0].n).toBe(0)
    expect((await verifyLedger(c)).ok).toBe(true)
  })
})
