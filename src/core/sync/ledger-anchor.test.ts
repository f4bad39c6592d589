// Issue 11, attack 2 on the workstation: it verifies the central ledger itself (ledger_page), against the signing keys
// it trusts and the head it verified last (its anchor, kept in the local store, out of the database's reach). A rewrite
// by the database owner that recomputes the chain and moves the head is then refused, with the first bad entry.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generateLedgerKey, signLedgerHead } from '../../central/ledger'
import { asRole } from '../../central/test-db'
import { rewriteLedgerEntry } from '../../central/test-ledger'
import { describeLedger, ledgerVerifyOf } from '../../shared/api/sync'
import { openDatabase, type Db } from '../store'
import { SyncEngine } from './engine'
import { RemoteError } from './errors'
import { claimsFor, type Remote } from './remotes/remote'
import { createTestCentral, seedSmall, type TestCentral } from './testing/test-central'

let c: TestCentral
let dir: string
let db: Db
const worker = generateLedgerKey('worker')

beforeAll(async () => {
  c = await createTestCentral()
  await seedSmall(c, 20, 1)
  dir = mkdtempSync(join(tmpdir(), 'wt-ledger-'))
  db = openDatabase(join(dir, 'ws.sqlite'))
}, 120_000)
afterAll(async () => {
  db?.close()
  rmSync(dir, { recursive: true, force: true })
  await c?.close()
})

async function push(from: number, n: number): Promise<void> {
  const ops = Array.from({ length: n }, (_, i) => ({
    op_id: from + i,
    action: 'credit_wallet',
    line_id: 100 * (from + i) + 1,
    params: { amount_cents: 100, reason: 'goodwill' },
    base_version: 1,
  }))
  await asRole(c.client, 'operator', {}, (tx) => tx.query('SELECT push_operations($1::jsonb)', [JSON.stringify({ client_id: 'ws-x', ops })]))
}

describe('ledger verification on the workstation (issue 11, attack 2)', () => {
  it('attack 2: after the owner rewrites entry 3 and moves the head, the workstation refuses the chain', { timeout: 120_000 }, async () => {
    const claims = claimsFor('operator')
    const e = await SyncEngine.open({ dbPath: 'x', db, remote: { kind: 'postgres', url: 'postgres://test/ledger', claims }, remoteImpl: c.remote(claims) })
    try {
      expect(describeLedger(ledgerVerifyOf(await e.ledgerVerify({ keys: [worker] })))).toBe('Ledger verified: no entries yet')
      await push(1, 3)
      await signLedgerHead(c.client, worker)
      await push(4, 2)
      let v = ledgerVerifyOf(await e.ledgerVerify({ keys: [worker] }))
      expect(v).toMatchObject({ ok: true, entries: 5, verifiedUpTo: 5, signedUpTo: 3, signedBy: 'worker' })
      expect(describeLedger(v)).toBe('Ledger verified up to entry 5, signed by worker up to entry 3')
      await signLedgerHead(c.client, worker)
      v = ledgerVerifyOf(await e.ledgerVerify({ keys: [worker] }))
      expect(describeLedger(v)).toBe('Ledger verified up to entry 5, signed by worker')
      // a key it does not trust counts for nothing
      expect(describeLedger(ledgerVerifyOf(await e.ledgerVerify()))).toBe('Ledger verified up to entry 5, not signed')

      await rewriteLedgerEntry(c.client, 3)

      // with no keys configured, the anchor (entry 5 as this workstation verified it) catches the rewrite
      const r = await e.ledgerVerify()
      expect(r).toMatchObject({ ok: false, first_bad_id: 5, reason: expect.stringMatching(/^does not extend anchor: entry 5 changed since this workstation verified it on \d{4}-\d\d-\d\d /) })
      // with the worker's key: the first signed entry whose hash changed, entry 3
      v = ledgerVerifyOf(await e.ledgerVerify({ keys: [worker] }))
      expect(v).toMatchObject({ ok: false, firstBadId: 3 })
      expect(describeLedger(v)).toMatch(/^Ledger verification failed at entry 3: signed hash differs: entry 3 changed after worker signed it on /)
      // a failed check does not move the anchor: it keeps failing
      expect((await e.ledgerVerify()).ok).toBe(false)
    } finally {
      await e.close()
    }
  })

  it('attack 2: a server that stops serving ledger_page cannot downgrade a workstation to its own word', { timeout: 120_000 }, async () => {
    const claims = claimsFor('operator')
    const ws2 = openDatabase(join(dir, 'ws2.sqlite'))
    // an older server (or one that hides its raw ledger): ledger_page does not exist
    const older = (): Remote =>
      Object.assign(Object.create(c.remote(claims)) as Remote, {
        ledgerPage: async () => {
          throw new RemoteError('server', 'ledger_page: the server lacks the sync functions', '42883')
        },
      })
    const open = (remoteImpl: Remote) => SyncEngine.open({ dbPath: 'x', db: ws2, remote: { kind: 'postgres', url: 'postgres://test/older', claims }, remoteImpl })
    try {
      let e = await open(older())
      // never verified here and no keys: the server's own ledger_verify(), shown as such
      const v = ledgerVerifyOf(await e.ledgerVerify())
      expect(v.summary).toMatch(/^Ledger (verified by the server|verification failed)/)
      expect(v.verifiedUpTo).toBeNull()
      // with a trusted key configured the workstation insists on checking itself
      await expect(e.ledgerVerify({ keys: [worker] })).rejects.toThrow(/no longer serves its ledger for verification/)
      await e.close()
      // once it has verified the chain itself (an anchor), a server that hides ledger_page is refused too
      e = await open(c.remote(claims))
      await e.ledgerVerify()
      await e.close()
      e = await open(older())
      await expect(e.ledgerVerify()).rejects.toThrow(/no longer serves its ledger for verification/)
      await e.close()
    } finally {
      ws2.close()
    }
  })
})
