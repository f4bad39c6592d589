// `central ledger keygen`, `central ledger sign` and `central verify` against a real PostgreSQL (issue 11, attack 2):
// the head is signed with a key kept in a file, and a rewrite by the database owner is reported at the first bad entry.
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { asRole } from '../central/test-db'
import { rewriteLedgerEntry } from '../central/test-ledger'
import { createTestCentral, seedSmall, type TestCentral } from '../core/sync/testing/test-central'
import { cli } from './testing'

const NEEDS_PG = 'central ledger sign/verify over --url need a real PostgreSQL (set TEST_DATABASE_URL, as .ci/run does)'
let c: TestCentral | null = null
let dir: string

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wt-cli-ledger-'))
  if (!process.env.TEST_DATABASE_URL) return
  c = await createTestCentral()
  await seedSmall(c, 10, 1)
}, 120_000)
afterAll(async () => {
  await c?.close()
  rmSync(dir, { recursive: true, force: true })
})

async function push(central: TestCentral, from: number, n: number): Promise<void> {
  const ops = Array.from({ length: n }, (_, i) => ({ op_id: from + i, action: 'tag', line_id: 100 * (from + i) + 1, params: { tag: 'cli' }, base_version: 1 }))
  await asRole(central.client, 'operator', {}, (tx) => tx.query('SELECT push_operations($1::jsonb)', [JSON.stringify({ client_id: 'ws-cli', ops })]))
}

describe('central ledger commands', () => {
  it('attack 2: keygen, sign, verify; a rewrite by the owner fails verify at the first bad entry and is never signed', async (ctx) => {
    ctx.skip(!c, NEEDS_PG)
    const central = c!
    const url = ['--url', central.url!]
    const keyFile = join(dir, 'worker.pem')
    const gen = await cli(['central', 'ledger', 'keygen', '--key-id', 'worker', '--out', keyFile, '--json'])
    expect(gen.code, gen.err).toBe(0)
    const trusted = (gen.json as { trusted: string }).trusted
    expect(trusted).toMatch(/^worker:[A-Za-z0-9+/=]+$/)
    expect(statSync(keyFile).mode & 0o777).toBe(0o600)
    expect((await cli(['central', 'ledger', 'keygen', '--key-id', 'worker', '--out', keyFile])).code).toBe(1) // never overwritten

    await push(central, 1, 2)
    const sign = ['central', 'ledger', 'sign', '--key-file', keyFile, '--key-id', 'worker', ...url, '--json']
    expect((await cli(sign)).json).toMatchObject({ ok: true, entry_id: 2, key_id: 'worker', signed: true })
    await push(central, 3, 2)
    expect((await cli(sign)).json).toMatchObject({ ok: true, entry_id: 4, signed: true })

    const verify = ['central', 'verify', ...url, '--keys', trusted, '--json']
    const good = await cli(verify)
    expect(good.code).toBe(0)
    expect(good.json).toMatchObject({ ok: true, summary: 'Ledger verified up to entry 4, signed by worker' })

    await rewriteLedgerEntry(central.client, 2)
    const bad = await cli(verify)
    expect(bad.code).toBe(1)
    expect(bad.json).toMatchObject({
      ok: false,
      sql: { ok: false, first_bad_id: 2 },
      independent: { ok: false, first_bad_id: 2, reason: expect.stringMatching(/^signed hash differs: entry 2 changed after worker signed it/) },
    })
    const text = await cli(['central', 'verify', ...url, '--keys', trusted])
    expect(text.out).toMatch(/^Ledger verification failed at entry 2: signed hash differs/)
    expect(text.out).toContain('LEDGER TAMPERED')
    const refused = await cli(sign)
    expect(refused.code).toBe(1)
    expect(JSON.stringify(refused.json) + refused.err).toMatch(/refusing to sign: the ledger does not verify at entry 2/)
  })
})
