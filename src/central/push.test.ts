// push_operations: per-op outcomes, carrier rules, idempotency, atomicity with the ledger, bad input.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { num, type SqlClient } from './client'
import { AS_OF, seedCentral } from './fixtures'
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

/** One signed-in person per role: idempotency is keyed by the author (the JWT's sub), so a replay must come from them. */
const SUBS: Record<DbRole, string> = {
  operator: '00000000-0000-4000-8000-000000000001',
  admin: '00000000-0000-4000-8000-000000000002',
  analyst: '00000000-0000-4000-8000-000000000003',
  agent: '00000000-0000-4000-8000-000000000004',
  finance: '00000000-0000-4000-8000-000000000005',
  anon: '00000000-0000-4000-8000-000000000006',
  service_role: '00000000-0000-4000-8000-000000000007',
}

async function push(client: SqlClient, batch: unknown, role: DbRole = 'operator'): Promise<Result[]> {
  return asRole(client, role, { email: `${role}@wingtel.example`, sub: SUBS[role] }, async (tx) => {
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

  // Changed for issue 11 attack 5: below zero only for a role money_limits allows it (admin here; an operator is
  // refused, push-trust.test.ts).
  it('applies debit_wallet (a rollback of a credit): wallet down, ledger entry, line event; an admin may go below zero', async () => {
    const c = db.client
    const wallet = async (account: string) =>
      (await c.query<{ w: number; v: number }>(`SELECT wallet_cents::int AS w, row_version::int AS v FROM accounts WHERE id = $1`, [
        account,
      ])).rows[0]
    // lines 5 and 6 → account 3 (seeded wallet (3 % 7) * 100 = 300); line 11 → account 6 (600), disconnected here:
    // a debit (the account's money) is still accepted on a disconnected line
    await c.exec(`SET wingtel.sync_log = 'off'; UPDATE lines SET status = 'disconnected' WHERE id = 11; RESET wingtel.sync_log`)
    expect(await wallet('ACC-000003')).toEqual({ w: 300, v: 1 })
    const v6 = (await line(c, 6)).row_version
    const ops = [
      op('credit_wallet', 6, { amount_cents: 500, reason: 'outage' }, v6),
      op('debit_wallet', 6, { amount_cents: 500, reason: 'reversal: rollback of b-1' }, v6), // the line did not move
      op('debit_wallet', 5, { amount_cents: 1000, reason: 'reversal: credit already spent' }, (await line(c, 5)).row_version),
      op('debit_wallet', 11, { amount_cents: 250 }, (await line(c, 11)).row_version),
    ]
    const r = await push(c, { client_id: 'ws-1', ops }, 'admin')
    expect(r.map((x) => x.status)).toEqual(['applied', 'applied', 'applied', 'applied'])
    expect(num(r[1].row_version)).toBe(v6) // a wallet op changes the account, not the line
    // 300 + 500 − 500 − 1000: below zero, the account owes it
    expect(await wallet('ACC-000003')).toEqual({ w: -700, v: 4 })
    expect(await wallet('ACC-000006')).toEqual({ w: 350, v: 2 })
    const led = await c.query<{ id: number; action: string; account_id: string; params: unknown; before_state: unknown; after_state: unknown }>(
      `SELECT id::int, action, account_id, params, before_state, after_state FROM ledger ORDER BY id`,
    )
    expect(led.rows.map((x) => x.id)).toEqual(r.map((x) => num(x.ledger_id)))
    expect(led.rows.slice(1)).toEqual([
      { id: 2, action: 'debit_wallet', account_id: 'ACC-000003', params: { amount_cents: 500, reason: 'reversal: rollback of b-1' },
        before_state: { wallet_cents: 800 }, after_state: { wallet_cents: 300 } },
      { id: 3, action: 'debit_wallet', account_id: 'ACC-000003', params: { amount_cents: 1000, reason: 'reversal: credit already spent' },
        before_state: { wallet_cents: 300 }, after_state: { wallet_cents: -700 } },
      { id: 4, action: 'debit_wallet', account_id: 'ACC-000006', params: { amount_cents: 250 },
        before_state: { wallet_cents: 600 }, after_state: { wallet_cents: 350 } },
    ])
    const ev = await c.query<{ line_id: number; detail: string; reason: string | null; actor: string; batch_id: string }>(
      `SELECT line_id::int, detail, reason, actor, batch_id FROM line_events WHERE kind = 'wallet_debited' ORDER BY id`,
    )
    expect(ev.rows).toEqual([
      { line_id: 6, detail: '-500 cents', reason: 'reversal: rollback of b-1', actor: 'admin@wingtel.example', batch_id: 'b-1' },
      { line_id: 5, detail: '-1000 cents', reason: 'reversal: credit already spent', actor: 'admin@wingtel.example', batch_id: 'b-1' },
      { line_id: 11, detail: '-250 cents', reason: null, actor: 'admin@wingtel.example', batch_id: 'b-1' },
    ])
    expect(await verifyLedger(c)).toEqual({ ok: true, entries: 4, first_bad_id: null, reason: null })
    const sql = await c.query<{ r: { ok: boolean; entries: number } }>('SELECT ledger_verify() AS r')
    expect(sql.rows[0].r).toMatchObject({ ok: true, entries: 4 })
    // a replay is a duplicate: the debit is not taken twice
    const again = await push(c, { client_id: 'ws-1', ops: [ops[2]] }, 'admin')
    expect(again[0]).toMatchObject({ status: 'duplicate', original_status: 'applied' })
    expect((await wallet('ACC-000003')).w).toBe(-700)
  })

  it('rejects a debit_wallet whose amount is not a positive integer, without blocking the next op', async () => {
    const c = db.client
    const bad = [0, -500, 12.5, '500', null, 100000001, { cents: 5 }]
    const ops = [
      ...bad.map((amount_cents) => op('debit_wallet', 6, { amount_cents, reason: 'x' }, 1)),
      op('debit_wallet', 6, { reason: 'no amount' }, 1),
      op('debit_wallet', 6, { amount_cents: 100 }, 1),
    ]
    const r = await push(c, { client_id: 'ws-1', ops })
    expect(r.map((x) => x.status)).toEqual([...bad.map(() => 'rejected'), 'rejected', 'applied'])
    for (const x of r.slice(0, -1)) {
      expect(x.reason).toBe('debit_wallet needs params.amount_cents, a positive integer (at most 100000000)')
      expect(x.ledger_id).toBeNull()
    }
    const w = await c.query<{ w: number }>(`SELECT wallet_cents::int AS w FROM accounts WHERE id = 'ACC-000003'`)
    expect(w.rows[0].w).toBe(200)
    const n = await c.query<{ led: number; ev: number }>(
      `SELECT (SELECT count(*)::int FROM ledger) AS led, (SELECT count(*)::int FROM line_events WHERE kind = 'wallet_debited') AS ev`,
    )
    expect(n.rows[0]).toEqual({ led: 1, ev: 1 })
    expect((await verifyLedger(c)).ok).toBe(true)
  })

  it('enforces the carrier rule: at most 5 provisioning actions (suspend/resume …) per line per day', async () => {
    const c = db.client
    // the server's day is the demo clock's as_of (fixtures: AS_OF); lines 1-3 are active
    const day = AS_OF
    const prev = new Date(Date.parse(`${AS_OF}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10)
    // line 3: five provisioning events yesterday (not today: they do not count);
    // line 4: an activation and three suspend/resume today, plus a hotline and a tag (not provisioning actions)
    await c.exec(`
      SET wingtel.sync_log = 'off';
      INSERT INTO line_events (line_id, at, kind, detail, actor)
      SELECT 3, '${prev}T2' || g || ':00:00.000Z', (ARRAY['suspended', 'resumed'])[1 + g % 2], '', 'system' FROM generate_series(0, 3) g
      UNION ALL SELECT 3, '${prev}T23:59:59.999Z', 'disconnected', '', 'system'
      UNION ALL SELECT 4, '${day}T00:00:00.000Z', 'activated', '', 'system'
      UNION ALL SELECT 4, '${day}T00:00:01.000Z', 'suspended', '', 'system'
      UNION ALL SELECT 4, '${day}T00:00:02.000Z', 'resumed', '', 'system'
      UNION ALL SELECT 4, '${day}T00:00:03.000Z', 'suspended', '', 'system'
      UNION ALL SELECT 4, '${day}T00:00:04.000Z', 'hotlined', '', 'system'
      UNION ALL SELECT 4, '${day}T00:00:05.000Z', 'tagged', 'x', 'system';
      UPDATE lines SET status = 'suspended' WHERE id = 4;
      RESET wingtel.sync_log;
    `)
    const limit = 'carrier allows at most 5 provisioning actions per line per day'
    // line 1: suspend, resume, suspend, resume, suspend apply; the 6th (resume) is refused; the op after it applies
    const seqOps = async (lineId: number, actions: string[]) => {
      const out: Result[] = []
      for (const a of actions) {
        const [res] = await push(c, { client_id: 'ws-1', ops: [op(a, lineId, a === 'suspend' ? { reason: 'test' } : {}, (await line(c, lineId)).row_version)] })
        out.push(res)
      }
      return out
    }
    const r1 = await seqOps(1, ['suspend', 'resume', 'suspend', 'resume', 'suspend', 'resume'])
    expect(r1.map((x) => x.status)).toEqual(['applied', 'applied', 'applied', 'applied', 'applied', 'rejected'])
    expect(r1[5].reason).toBe(limit)
    expect((await line(c, 1)).status).toBe('suspended')
    // a 6th in a batch with other lines: only that op is refused; other lines and other actions are unaffected
    const v1 = (await line(c, 1)).row_version
    const r = await push(c, {
      client_id: 'ws-1',
      ops: [
        op('resume', 1, {}, v1),
        op('tag', 1, { tag: 'limit-hit' }, v1),
        op('suspend', 2, {}, (await line(c, 2)).row_version),
        op('suspend', 3, {}, (await line(c, 3)).row_version), // yesterday's five do not count
        op('resume', 4, {}, (await line(c, 4)).row_version), // 4 provisioning events today: this is the 5th
      ],
    })
    expect(r.map((x) => x.status)).toEqual(['rejected', 'applied', 'applied', 'applied', 'applied'])
    expect(r[0].reason).toBe(limit)
    const r4 = await push(c, { client_id: 'ws-1', ops: [op('suspend', 4, {}, (await line(c, 4)).row_version)] })
    expect(r4[0]).toMatchObject({ status: 'rejected', reason: limit })
    // a refused op leaves no trace but its result
    const ev = await c.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM line_events WHERE line_id = 1 AND kind IN ('suspended', 'resumed')`,
    )
    expect(ev.rows[0].n).toBe(5)
    expect((await verifyLedger(c)).ok).toBe(true)
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

  it('rolls an op back with its ledger entry when it fails half-way, keeps the ops before it, goes on with the next', async () => {
    const c = db.client
    // make line 2's account vanish so credit_wallet fails after the line was read; and break add_addon for line 3 by
    // a CHECK that fires during the UPDATE (an unexpected error inside the op's subtransaction)
    await c.exec(`SET wingtel.sync_log = 'off'; ALTER TABLE lines ADD CONSTRAINT no_hotspot CHECK (addons NOT LIKE '%HOTSPOT%'); RESET wingtel.sync_log`)
    const r = await push(c, {
      client_id: 'ws-1',
      ops: [op('tag', 5, { tag: 'before' }, 1), op('add_addon', 3, { addon: 'HOTSPOT' }, 1), op('tag', 4, { tag: 'after' }, 1)],
    })
    expect(r.map((x) => x.status)).toEqual(['applied', 'rejected', 'applied'])
    expect(r[1].reason).toMatch(/server error: .*no_hotspot/)
    // the op before the failure was applied exactly once (the server may apply the batch again op by op after the
    // failure: the first attempt left nothing behind)
    expect(await line(c, 5)).toMatchObject({ tags: 'before', row_version: 2 })
    expect(r.map((x) => x.ledger_id)).toEqual([1, null, 2])
    expect((await line(c, 3)).addons).not.toMatch(/HOTSPOT/)
    expect((await line(c, 3)).row_version).toBe(1)
    const led = await c.query<{ line_id: number }>('SELECT line_id::int FROM ledger ORDER BY id')
    expect(led.rows.map((x) => x.line_id)).toEqual([5, 4])
    expect((await c.query<{ n: number }>(`SELECT count(*)::int AS n FROM line_events WHERE line_id = 5 AND kind = 'tagged'`)).rows[0].n).toBe(1)
    const ev = await c.query<{ n: number }>(`SELECT count(*)::int AS n FROM line_events WHERE line_id = 3 AND kind = 'addon_added'`)
    expect(ev.rows[0].n).toBe(0)
    expect((await verifyLedger(c)).ok).toBe(true)
  })
})
