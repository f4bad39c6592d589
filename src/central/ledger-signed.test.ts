// Issue 11, attack 2: the database owner (a superuser; on Supabase `postgres`) disables the append-only trigger,
// rewrites entry 3, recomputes the chain and moves ledger_head. The chain alone then verifies; the signatures made with
// a key the database does not hold, and the anchor a workstation keeps outside the database, catch it and name the
// first bad entry. Also: the dedicated owner role, and what the signer and the application roles may do.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { SqlClient } from './client'
import { seedCentral } from './fixtures'
import { checkLedger, generateLedgerKey, parseLedgerKeys, signLedgerHead, type LedgerAnchor } from './ledger'
import { asRole, createTestDatabase, type TestDatabase } from './test-db'
import { rewriteLedgerEntry } from './test-ledger'

let db: TestDatabase
const worker = generateLedgerKey('worker')

async function push(c: SqlClient, from: number, n: number): Promise<void> {
  const ops = Array.from({ length: n }, (_, i) => ({
    op_id: from + i,
    batch_id: 'b-sig',
    action: 'credit_wallet',
    line_id: from + i,
    params: { amount_cents: 100 + i, reason: 'goodwill' },
    base_version: 1,
    sentence: `credit ${from + i}`,
  }))
  await asRole(c, 'operator', {}, (tx) => tx.query('SELECT push_operations($1::jsonb)', [JSON.stringify({ client_id: 'ws-s', ops })]))
}

async function sqlVerify(c: SqlClient): Promise<{ ok: boolean; first_bad_id: number | null; reason: string | null }> {
  return (await c.query<{ r: { ok: boolean; first_bad_id: number | null; reason: string | null } }>('SELECT ledger_verify() AS r')).rows[0].r
}

describe('the signed, anchored ledger (issue 11, attack 2)', () => {
  beforeEach(async () => {
    db = await createTestDatabase()
    await seedCentral(db.client, { lines: 40 })
  })
  afterEach(async () => {
    await db.dispose()
  })

  it('attack 2: a superuser rewrites entry 3, recomputes the chain and moves the head; signatures and the anchor catch it', async () => {
    const c = db.client
    await push(c, 1, 2)
    expect(await signLedgerHead(c, worker)).toMatchObject({ entry_id: 2, key_id: 'worker', signed: true })
    await push(c, 3, 1)
    await signLedgerHead(c, worker)
    await push(c, 4, 9)
    await signLedgerHead(c, worker)
    expect(await signLedgerHead(c, worker)).toMatchObject({ entry_id: 12, signed: false }) // already signed
    const before = await checkLedger(c, { keys: [worker] })
    expect(before).toMatchObject({ ok: true, entries: 12, verified_up_to: 12, signed_up_to: 12, signed_by: 'worker' })
    const anchor: LedgerAnchor = { id: 12, hash: before.head_hash, at: '2026-12-01T10:00:00Z', signedId: 12, signedBy: 'worker' }

    await rewriteLedgerEntry(c, 3)

    // the hash chain alone recomputes: this is what `verify` said before the fix
    expect(await checkLedger(c)).toMatchObject({ ok: true, entries: 12, signed_by: null })
    // the SQL verifier: the signed entries no longer have their signed hashes (the first one is entry 3)
    expect(await sqlVerify(c)).toMatchObject({ ok: false, first_bad_id: 3, reason: expect.stringMatching(/^signed hash differs: entry 3 changed after worker signed it/) })
    // the independent verifier with the trusted key: the same first bad entry
    expect(await checkLedger(c, { keys: [worker] })).toMatchObject({ ok: false, first_bad_id: 3, reason: expect.stringMatching(/^signed hash differs: entry 3/) })
    // the workstation's anchor alone (no keys configured) catches it at the anchored head
    expect(await checkLedger(c, { anchor })).toMatchObject({
      ok: false,
      first_bad_id: 12,
      reason: 'does not extend anchor: entry 12 changed since this workstation verified it on 2026-12-01 10:00:00 UTC',
    })
    // the signer refuses to vouch for the rewritten chain
    await expect(signLedgerHead(c, worker)).rejects.toThrow(/refusing to sign: the ledger does not verify at entry 3: signed hash differs/)
  })

  it('attack 2: removed or forged signatures, and a cut-off signed tail, are named', async () => {
    const c = db.client
    await push(c, 1, 5)
    await signLedgerHead(c, worker)
    const good = await checkLedger(c, { keys: [worker] })
    const anchor: LedgerAnchor = { id: 5, hash: good.head_hash, at: '2026-12-01T10:00:00Z', signedId: 5, signedBy: 'worker' }
    await rewriteLedgerEntry(c, 3)
    // the forger deletes the signature that gives it away: the chain verifies, but the anchor remembers entry 5's hash
    await c.exec(`ALTER TABLE ledger_signatures DISABLE TRIGGER ledger_signatures_append_only; DELETE FROM ledger_signatures;
                  ALTER TABLE ledger_signatures ENABLE TRIGGER ledger_signatures_append_only;`)
    expect((await sqlVerify(c)).ok).toBe(true)
    expect(await checkLedger(c, { keys: [worker] })).toMatchObject({ ok: true, signed_by: null })
    expect(await checkLedger(c, { keys: [worker], anchor: { ...anchor, hash: (await checkLedger(c)).head_hash } })).toMatchObject({
      ok: false,
      first_bad_id: 5,
      reason: expect.stringMatching(/^signature removed: entry 5 was signed by worker/),
    })
    // … and puts back a signature it made up under the trusted key's id
    await c.query(`INSERT INTO ledger_signatures (entry_id, hash, key_id, signature) SELECT id, hash, 'worker', decode(repeat('ab', 64), 'hex') FROM ledger WHERE id = 5`)
    expect(await checkLedger(c, { keys: [worker] })).toMatchObject({ ok: false, first_bad_id: 5, reason: expect.stringMatching(/^signature invalid/) })
    // a signature by a key the workstation does not trust is ignored
    expect(await checkLedger(c, { keys: [generateLedgerKey('other')] })).toMatchObject({ ok: true, signed_by: null })
  })

  it('attack 2: cutting off a signed tail (and moving the head) is caught', async () => {
    const c = db.client
    await push(c, 1, 6)
    await signLedgerHead(c, worker)
    await c.exec(`
      ALTER TABLE ledger DISABLE TRIGGER ledger_append_only; ALTER TABLE ledger_head DISABLE TRIGGER ledger_head_guard;
      DELETE FROM ledger WHERE id > 4; UPDATE ledger_head SET last_id = 4, hash = (SELECT hash FROM ledger WHERE id = 4);
      ALTER TABLE ledger ENABLE TRIGGER ledger_append_only; ALTER TABLE ledger_head ENABLE TRIGGER ledger_head_guard;`)
    expect(await sqlVerify(c)).toMatchObject({ ok: false, first_bad_id: 6, reason: expect.stringMatching(/^cut-off tail: entry 6 was signed by worker/) })
    expect(await checkLedger(c, { keys: [worker] })).toMatchObject({ ok: false, first_bad_id: 5, reason: expect.stringMatching(/^cut-off tail: entry 6/) })
    expect(await checkLedger(c, { anchor: { id: 6, hash: '00', at: '2026-12-01T10:00:00Z' } })).toMatchObject({
      ok: false,
      first_bad_id: 5,
      reason: expect.stringMatching(/^does not extend anchor: the ledger ends at entry 4 but this workstation verified it up to entry 6/),
    })
  })

  it('the ledger belongs to ledger_owner, which no application role is a member of; signatures are insert-only', async () => {
    const c = db.client
    const owners = await c.query<{ t: string; o: string }>(
      `SELECT relname AS t, pg_get_userbyid(relowner) AS o FROM pg_class WHERE relname IN ('ledger', 'ledger_head', 'ledger_signatures') AND relkind = 'r' ORDER BY 1`,
    )
    expect(owners.rows).toEqual([{ t: 'ledger', o: 'ledger_owner' }, { t: 'ledger_head', o: 'ledger_owner' }, { t: 'ledger_signatures', o: 'ledger_owner' }])
    const member = await c.query<{ r: string; m: boolean }>(
      `SELECT r, pg_has_role(r, 'ledger_owner', 'MEMBER') AS m FROM unnest(ARRAY['anon', 'authenticated', 'service_role', 'authenticator']) r ORDER BY r`,
    )
    expect(member.rows.every((x) => !x.m)).toBe(true)
    const fns = await c.query<{ f: string; o: string; definer: boolean; cfg: string[] | null }>(
      `SELECT proname AS f, pg_get_userbyid(proowner) AS o, prosecdef AS definer, proconfig AS cfg FROM pg_proc
       WHERE proname IN ('ledger_before_insert', 'ledger_after_commit_head', 'ledger_verify', 'ledger_page', 'ledger_signature_check') ORDER BY 1`,
    )
    expect(fns.rows).toHaveLength(5)
    for (const f of fns.rows) expect(f, f.f).toMatchObject({ o: 'ledger_owner', definer: true, cfg: ['search_path=public, pg_temp'] })
    await push(c, 1, 2)
    // service_role (the job worker) is not the owner: it cannot switch the triggers off
    for (const sql of ['ALTER TABLE ledger DISABLE TRIGGER ledger_append_only', 'ALTER TABLE ledger_head DISABLE TRIGGER ledger_head_guard', 'ALTER TABLE ledger_signatures DISABLE TRIGGER USER']) {
      await expect(asRole(c, 'service_role', {}, (tx) => tx.query(sql)), sql).rejects.toMatchObject({ code: '42501' })
    }
    // it signs (insert), but may not change or remove a signature, nor sign a hash the entry does not have
    await asRole(c, 'service_role', {}, (tx) => signLedgerHead(tx, worker))
    await expect(asRole(c, 'service_role', {}, (tx) => tx.query('DELETE FROM ledger_signatures'))).rejects.toMatchObject({ code: '42501' })
    await expect(asRole(c, 'service_role', {}, (tx) => tx.query(`UPDATE ledger_signatures SET key_id = 'x'`))).rejects.toMatchObject({ code: '42501' })
    await expect(
      asRole(c, 'service_role', {}, (tx) => tx.query(`INSERT INTO ledger_signatures (entry_id, hash, key_id, signature) VALUES (1, '\\x00', 'w', decode(repeat('ab', 64), 'hex'))`)),
    ).rejects.toThrow(/does not have the signed hash/)
    // an operator reads the signatures and the pages but may not sign; an agent may not read the ledger's pages
    await expect(asRole(c, 'operator', {}, (tx) => signLedgerHead(tx, worker))).rejects.toMatchObject({ code: '42501' })
    const ws = await asRole(c, 'operator', {}, (tx) => checkLedger(tx, { keys: [worker] }))
    expect(ws).toMatchObject({ ok: true, signed_by: 'worker', signed_up_to: 2 })
    await expect(asRole(c, 'agent', {}, (tx) => checkLedger(tx))).rejects.toMatchObject({ code: '42501' })
  })
})

describe('trusted ledger keys', () => {
  it('trusted keys are parsed with clear errors', () => {
    const [k] = parseLedgerKeys(`worker:${worker.spki}`)
    expect(k).toEqual({ id: 'worker', spki: worker.spki })
    expect(parseLedgerKeys(` worker:${worker.spki} , admin:${generateLedgerKey('a').spki}`)).toHaveLength(2)
    expect(() => parseLedgerKeys('worker')).toThrow(/not keyid:base64-public-key/)
    expect(() => parseLedgerKeys('worker:AAAA')).toThrow(/'worker' is not a base64 Ed25519 public key/)
    expect(() => parseLedgerKeys(`w:${worker.spki},w:${worker.spki}`)).toThrow(/appears twice/)
  })
})
