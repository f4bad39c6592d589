// Issue 11, on the central side: idempotency bound to the op's author and fingerprint (attack 1), server-side money
// limits (attack 5), personal Postgres logins whose identity the client cannot forge (attack 7b).
import { randomBytes } from 'node:crypto'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { SqlClient } from './client'
import { seedCentral } from './fixtures'
import { asRole, claimsFor, createTestDatabase, type AppRole, type TestDatabase } from './test-db'

interface Result {
  op_id: number
  status: string
  reason: string | null
  ledger_id: number | string | null
  original_status?: string
  fingerprint?: string | null
}

const ALICE = '00000000-0000-4000-8000-00000000a11c'
const MALLORY = '00000000-0000-4000-8000-0000000ba11e'

async function pushAs(c: SqlClient, who: { role: AppRole; sub: string; email: string }, batch: unknown): Promise<Result[]> {
  return asRole(c, who.role, { sub: who.sub, email: who.email }, async (tx) => {
    const { rows } = await tx.query<{ r: { results: Result[] } }>('SELECT push_operations($1::jsonb) AS r', [JSON.stringify(batch)])
    return rows[0].r.results
  })
}
const alice = { role: 'operator' as const, sub: ALICE, email: 'alice@wingtel.example' }
const mallory = { role: 'operator' as const, sub: MALLORY, email: 'mallory@wingtel.example' }
const admin = { role: 'admin' as const, sub: '00000000-0000-4000-8000-0000000ad000', email: 'admin@wingtel.example' }

async function version(c: SqlClient, line: number): Promise<number> {
  return Number((await c.query<{ v: string }>('SELECT row_version AS v FROM lines WHERE id = $1', [line])).rows[0].v)
}
async function wallet(c: SqlClient, line: number): Promise<number> {
  const { rows } = await c.query<{ w: string }>('SELECT a.wallet_cents AS w FROM accounts a JOIN lines l ON l.account_id = a.id WHERE l.id = $1', [line])
  return Number(rows[0].w)
}
const op = (op_id: number, action: string, line_id: number, params: Record<string, unknown>, base_version: number) => ({
  op_id,
  batch_id: `b-${op_id}`,
  action,
  line_id,
  params,
  base_version,
  sentence: `${action} test`,
})

let db: TestDatabase
beforeEach(async () => {
  db = await createTestDatabase()
  await seedCentral(db.client, { lines: 30 })
})
afterEach(async () => {
  await db.dispose()
})

describe('push_operations idempotency (issue 11 attack 1)', () => {
  it('attack 1: another operator using my client id and my next op id cannot pre-empt my op', async () => {
    const c = db.client
    // Mallory pushes first under Alice's client id and the op id Alice will use next
    const [m] = await pushAs(c, mallory, { client_id: 'ws-alice', ops: [op(7, 'tag', 1, { tag: 'mallory' }, await version(c, 1))] })
    expect(m.status).toBe('applied')
    // Alice's real op 7 is hers: applied, not Mallory's result as `duplicate`
    const [a] = await pushAs(c, alice, { client_id: 'ws-alice', ops: [op(7, 'tag', 2, { tag: 'alice' }, await version(c, 2))] })
    expect(a).toMatchObject({ status: 'applied', reason: null })
    expect(a.ledger_id).not.toEqual(m.ledger_id)
    const tags = await c.query<{ tags: string }>('SELECT tags FROM lines WHERE id = 2')
    expect(tags.rows[0].tags.split(',')).toContain('alice')
  })

  it('attack 1: a different op under a used (author, client, op id) is rejected, never answered as duplicate', async () => {
    const c = db.client
    const first = op(1, 'tag', 3, { tag: 'one' }, await version(c, 3))
    const [r1] = await pushAs(c, alice, { client_id: 'ws-1', ops: [first] })
    expect(r1.status).toBe('applied')
    expect(r1.fingerprint).toMatch(/^[0-9a-f]{64}$/)
    // the same op again: duplicate, with the stored fingerprint for the workstation to compare
    const [again] = await pushAs(c, alice, { client_id: 'ws-1', ops: [first] })
    expect(again).toMatchObject({ status: 'duplicate', original_status: 'applied', fingerprint: r1.fingerprint, ledger_id: r1.ledger_id })
    // another op with that op id (a copied workspace's next op, say): rejected with the reason, nothing applied
    const other = op(1, 'tag', 4, { tag: 'two' }, await version(c, 4))
    const [r2] = await pushAs(c, alice, { client_id: 'ws-1', ops: [other] })
    expect(r2.status).toBe('rejected')
    expect(r2.reason).toBe('this op id was already used for a different operation (its fingerprint differs)')
    expect(r2.fingerprint).not.toBe(r1.fingerprint)
    expect((await c.query<{ tags: string }>('SELECT tags FROM lines WHERE id = 4')).rows[0].tags).not.toContain('two')
    // inside one batch too
    const [a, b] = await pushAs(c, alice, { client_id: 'ws-2', ops: [op(1, 'tag', 5, { tag: 'x' }, await version(c, 5)), op(1, 'tag', 5, { tag: 'y' }, 1)] })
    expect([a.status, b.status]).toEqual(['applied', 'rejected'])
  })

  it('computes the fingerprint over the canonical form: key order and absent fields do not matter, values do', async () => {
    const fp = async (o: unknown) => (await db.client.query<{ f: string }>('SELECT push_op_fingerprint($1::jsonb) AS f', [JSON.stringify(o)])).rows[0].f
    const a = { op_id: 1, action: 'tag', line_id: 1, params: { tag: 'a', reason: 'r' }, base_version: 1, batch_id: 'b', sentence: 's' }
    const b = { sentence: 's', batch_id: 'b', base_version: 1, params: { reason: 'r', tag: 'a' }, line_id: 1, action: 'tag', op_id: 99 }
    expect(await fp(a)).toBe(await fp(b)) // op_id is the key, not the op
    expect(await fp({ ...a, params: { tag: 'b', reason: 'r' } })).not.toBe(await fp(a))
    expect(await fp({ ...a, sentence: undefined })).toBe(await fp({ ...a, sentence: null }))
  })
})

describe('money limits (issue 11 attack 5)', () => {
  it('attack 5: a $1,000,000 credit pushed directly (bypassing the console) is refused by the server', async () => {
    const c = db.client
    const before = await wallet(c, 6)
    const [r] = await pushAs(c, alice, { client_id: 'ws-1', ops: [op(1, 'credit_wallet', 6, { amount_cents: 100_000_000 }, await version(c, 6))] })
    expect(r.status).toBe('rejected')
    expect(r.reason).toBe('a credit of $1,000,000.00 is over the $10,000.00 limit per operation for the operator role')
    expect(await wallet(c, 6)).toBe(before)
    // the console's cap itself is allowed
    const [ok] = await pushAs(c, alice, { client_id: 'ws-1', ops: [op(2, 'credit_wallet', 6, { amount_cents: 1_000_000 }, await version(c, 6))] })
    expect(ok.status).toBe('applied')
  })

  it('attack 5: debit_wallet to -$1,000,000 is refused for an operator; an admin may leave a negative balance', async () => {
    const c = db.client
    const before = await wallet(c, 6) // 300
    const ops = Array.from({ length: 100 }, (_, i) => op(i + 1, 'debit_wallet', 6, { amount_cents: 1_000_000 }, 1))
    const rs = await pushAs(c, alice, { client_id: 'ws-1', ops })
    expect(new Set(rs.map((r) => r.status))).toEqual(new Set(['rejected']))
    expect(rs[0].reason).toBe(
      'a debit of $10,000.00 would take the wallet of account ACC-000003 below zero (it holds $3.00); the operator role may not leave a negative balance (an admin or finance person may)',
    )
    expect(await wallet(c, 6)).toBe(before)
    // over the per-op limit even for an admin
    const [big] = await pushAs(c, admin, { client_id: 'ws-a', ops: [op(1, 'debit_wallet', 6, { amount_cents: 100_000_000 }, 1)] })
    expect(big.reason).toBe('a debit of $1,000,000.00 is over the $10,000.00 limit per operation for the admin role')
    const [neg] = await pushAs(c, admin, { client_id: 'ws-a', ops: [op(2, 'debit_wallet', 6, { amount_cents: 1000 }, 1)] })
    expect(neg.status).toBe('applied')
    expect(await wallet(c, 6)).toBe(before - 1000)
  })

  it('caps what one operator credits per day, per person; the limits are set only by service_role', async () => {
    const c = db.client
    const credit = (n: number) => op(n, 'credit_wallet', 6, { amount_cents: 1_000_000 }, 1)
    const rs = await pushAs(c, alice, { client_id: 'ws-1', ops: [1, 2, 3, 4, 5, 6].map(credit) })
    expect(rs.map((r) => r.status)).toEqual(['applied', 'applied', 'applied', 'applied', 'applied', 'rejected'])
    expect(rs[5].reason).toMatch(/^a credit of \$10,000\.00 would pass the \$50,000\.00 a operator may credit per day \(already credited on \d{4}-\d\d-\d\d: \$50,000\.00\)$/)
    // another operator has a day of their own
    const [m] = await pushAs(c, mallory, { client_id: 'ws-m', ops: [credit(1)] })
    expect(m.status).toBe('applied')
    // an admin reads the limits; an operator reads none; nobody but service_role changes them
    const read = (role: AppRole) => asRole(c, role, {}, (tx) => tx.query('SELECT * FROM money_limits'))
    expect((await read('admin')).rows.length).toBe(3)
    expect((await read('operator')).rows.length).toBe(0)
    await expect(asRole(c, 'admin', {}, (tx) => tx.query('UPDATE money_limits SET max_credit_cents_per_op = 1e9'))).rejects.toMatchObject({ code: '42501' })
    await asRole(c, 'service_role', {}, (tx) => tx.query("UPDATE money_limits SET max_credit_cents_per_day_per_actor = 6000000 WHERE role = 'operator'"))
    const [more] = await pushAs(c, alice, { client_id: 'ws-1', ops: [credit(7)] })
    expect(more.status).toBe('applied')
  })
})

describe('personal Postgres logins (issue 11 attack 7b)', () => {
  const roles: string[] = []
  afterEach(async () => {
    if (db.kind !== 'pg') return // PGlite's roles die with the instance
    for (const r of roles.splice(0)) await db.client.exec(`DROP ROLE IF EXISTS ${r}`)
  })

  async function person(role: AppRole, email: string): Promise<string> {
    const login = `wt_person_${randomBytes(4).toString('hex')}`
    roles.push(login)
    await db.client.exec(`CREATE ROLE ${login} LOGIN IN ROLE authenticated, wingtel_person`)
    await db.client.query('INSERT INTO app_users (login_role, email, role) VALUES ($1, $2, $3)', [login, email, role])
    return login
  }
  /** A transaction whose session user is `login` (as if it had connected), doing what a direct-Postgres client does. */
  async function asLogin<T>(login: string, claims: Record<string, unknown>, fn: (tx: SqlClient) => Promise<T>): Promise<T> {
    const me = (await db.client.query<{ u: string }>('SELECT session_user AS u')).rows[0].u
    try {
      return await db.client.transaction(async (tx) => {
        await tx.exec(`SET LOCAL SESSION AUTHORIZATION ${login}`)
        await tx.query(`SELECT set_config('role', 'authenticated', true)`)
        await tx.query(`SELECT set_config('request.jwt.claims', $1, true)`, [JSON.stringify(claims)])
        return fn(tx)
      })
    } finally {
      // PGlite's single session keeps a LOCAL session authorization past the transaction: take it back explicitly
      await db.client.exec(`SET SESSION AUTHORIZATION ${me}`)
    }
  }

  it('attack 7b: two personal logins push and the ledger names each person; forged admin claims do not count', async () => {
    const c = db.client
    const ann = await person('operator', 'ann@wingtel.example')
    const bob = await person('analyst', 'bob@wingtel.example')
    // Ann claims to be admin with someone else's e-mail: she acts as herself, an operator
    const forged = claimsFor('admin', { email: 'ceo@wingtel.example', sub: ADMIN_SUB })
    const who = await asLogin(ann, forged, async (tx) => (await tx.query<{ r: string; a: string }>('SELECT app_role() AS r, app_actor() AS a')).rows[0])
    expect(who).toEqual({ r: 'operator', a: 'ann@wingtel.example' })
    const v1 = await version(c, 1)
    const pushed = await asLogin(ann, forged, async (tx) => {
      const { rows } = await tx.query<{ r: { results: Result[] } }>('SELECT push_operations($1::jsonb) AS r', [
        JSON.stringify({ client_id: 'ws-shared', ops: [op(1, 'tag', 1, { tag: 'ann' }, v1)] }),
      ])
      return rows[0].r.results
    })
    expect(pushed[0].status).toBe('applied')
    // Bob is an analyst: claiming operator does not let him push
    await expect(
      asLogin(bob, claimsFor('operator'), (tx) => tx.query('SELECT push_operations($1::jsonb)', [JSON.stringify({ client_id: 'ws-shared', ops: [] })])),
    ).rejects.toMatchObject({ code: '42501' })
    await c.query("UPDATE app_users SET role = 'operator' WHERE login_role = $1", [bob])
    const v2 = await version(c, 2)
    const bobs = await asLogin(bob, claimsFor('operator', { email: 'ann@wingtel.example' }), async (tx) => {
      const { rows } = await tx.query<{ r: { results: Result[] } }>('SELECT push_operations($1::jsonb) AS r', [
        JSON.stringify({ client_id: 'ws-shared', ops: [op(1, 'tag', 2, { tag: 'bob' }, v2)] }),
      ])
      return rows[0].r.results
    })
    // same client id, same op id, another person: his own op, applied
    expect(bobs[0]).toMatchObject({ status: 'applied' })
    const led = await c.query<{ actor: string; role: string }>('SELECT actor, role FROM ledger ORDER BY id')
    expect(led.rows).toEqual([
      { actor: 'ann@wingtel.example', role: 'operator' },
      { actor: 'bob@wingtel.example', role: 'operator' },
    ])
  })

  it('attack 7b: a personal login without a mapping has no role, whatever it claims; PostgREST-style claims still work', async () => {
    const c = db.client
    const login = await person('operator', 'gone@wingtel.example')
    await c.query('DELETE FROM app_users WHERE login_role = $1', [login])
    const r = await asLogin(login, claimsFor('admin'), async (tx) => (await tx.query<{ r: string | null }>('SELECT app_role() AS r')).rows[0].r)
    expect(r).toBeNull()
    // not a person (the test's own login, like PostgREST's authenticator): the claims decide, as before
    const jwt = await asRole(c, 'finance', { email: 'fin@wingtel.example' }, async (tx) =>
      (await tx.query<{ r: string; a: string }>('SELECT app_role() AS r, app_actor() AS a')).rows[0],
    )
    expect(jwt).toEqual({ r: 'finance', a: 'fin@wingtel.example' })
  })
})

const ADMIN_SUB = '00000000-0000-4000-8000-0000000ad000'
