// Issue 11, attack 1: "two workspaces copied from one file both print applied: 1, yet one op never ran". A copy gets
// a new client id on first open; each copy's new op runs; an op both copies carry from before the copy runs once.
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openDatabase, type Db } from '../store'
import { SyncEngine } from './engine'
import { claimsFor } from './remotes/remote'
import { createTestCentral, seedSmall, type TestCentral } from './testing/test-central'
import { insertLocalOps } from './testing/test-checksums'

let c: TestCentral
let dir: string
beforeAll(async () => {
  c = await createTestCentral()
  await seedSmall(c, 10, 2)
  dir = mkdtempSync(join(tmpdir(), 'wt-copied-'))
}, 120_000)
afterAll(async () => {
  await c?.close()
  rmSync(dir, { recursive: true, force: true })
})

const claims = claimsFor('operator') // one person, two copies of their workspace
async function engine(db: Db, path: string): Promise<SyncEngine> {
  return SyncEngine.open({ dbPath: path, db, remote: { kind: 'postgres', url: 'postgres://test/copied', claims }, remoteImpl: c.remote(claims) })
}
const statuses = (db: Db) => (db.prepare('SELECT seq, status, reason FROM operations ORDER BY seq').all() as Array<{ seq: number; status: string; reason: string | null }>)

describe('a copied workspace', () => {
  it('attack 1: copy a workspace file, open both, push from both: both ops applied, the shared pending op once', async () => {
    const [l1, l2, l3] = (await c.sql<{ id: number }>('SELECT id::int AS id FROM lines ORDER BY id LIMIT 3')).map((r) => r.id)
    const aPath = join(dir, 'a.sqlite')
    const bPath = join(dir, 'b.sqlite')
    let a = openDatabase(aPath)
    let ea = await engine(a, aPath)
    await ea.pull()
    insertLocalOps(a, [{ line: l1, action: 'tag', params: { tag: 'before-copy' } }], 'b-shared')
    await ea.close()
    a.close()
    copyFileSync(aPath, bPath) // the workspace file only, as a person copies it

    a = openDatabase(aPath)
    const b = openDatabase(bPath)
    try {
      ea = await engine(a, aPath)
      const eb = await engine(b, bPath)
      expect(eb.outbox.clientId).not.toBe(ea.outbox.clientId)
      // each copy commits its own next op: the same op seq in both files
      const [sa] = insertLocalOps(a, [{ line: l2, action: 'tag', params: { tag: 'from-a' } }], 'b-a')
      const [sb] = insertLocalOps(b, [{ line: l3, action: 'tag', params: { tag: 'from-b' } }], 'b-b')
      expect(sa).toBe(sb)

      const pa = await ea.push()
      const pb = await eb.push()
      expect([pa.applied, pb.applied]).toEqual([2, 2])
      expect(statuses(a).map((r) => r.status)).toEqual(['applied', 'applied'])
      expect(statuses(b).map((r) => r.status)).toEqual(['applied', 'applied'])
      // on the server: every op ran, the shared one once
      const led = await c.sql<{ line_id: number; tag: string }>("SELECT line_id::int, params->>'tag' AS tag FROM ledger ORDER BY id")
      expect(led).toEqual([
        { line_id: l1, tag: 'before-copy' },
        { line_id: l2, tag: 'from-a' },
        { line_id: l3, tag: 'from-b' },
      ])
      const tags = await c.sql<{ id: number; tags: string }>('SELECT id::int, tags FROM lines WHERE id = ANY($1::bigint[]) ORDER BY id', [[l1, l2, l3]])
      expect(tags.map((t) => t.tags.split(',').filter((x) => /copy|from/.test(x)))).toEqual([['before-copy'], ['from-a'], ['from-b']])
      await ea.close()
      await eb.close()
    } finally {
      a.close()
      b.close()
    }
  })
})
