// The sync API through the in-process caller (same validation as the transports), with the engine in its worker thread
// and the embedded sandbox as the remote (a PGlite folder next to the workspace, seeded here).
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { describeLedger } from '../../shared/api/sync'
import type { AppEvent } from '../../shared/events'
import { createApi, createCaller } from '../app'
import { fromPglite } from '../../central/client'
import { applyCentralMigrations } from '../../central/migrate'
import { Workspace } from '../store'
import { sandboxDirFor, syncService } from './service'
import { seedSmall, type TestCentral } from './testing/test-central'
import { insertLocalOps } from './testing/test-checksums'

let dir: string
let ws: Workspace
const events: AppEvent[] = []

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wt-sync-api-'))
  const dbPath = join(dir, 'ws.sqlite')
  const sandbox = sandboxDirFor(dbPath)
  mkdirSync(sandbox, { recursive: true })
  const pg = await PGlite.create(join(sandbox, 'pgdata'))
  const client = fromPglite(pg)
  await applyCentralMigrations(client)
  await seedSmall({ client } as TestCentral, 40, 2)
  await pg.close()
  ws = new Workspace({ dbPath })
  ws.events.on((e) => events.push(e))
}, 120_000)

afterAll(async () => {
  await syncService(ws).close()
  ws.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('sync API', () => {
  it('status before any sync: sandbox, never synced, nothing pending', async () => {
    const api = createCaller(createApi(ws))
    const s = await api.sync.status()
    expect(s).toMatchObject({ source: 'sandbox', phase: 'none', dataAsOf: null, pending: 0, rejected: 0, conflict: 0 })
  })

  it('pullNow bootstraps through the worker: progress and data-changed events, then status says up to date', { timeout: 180_000 }, async () => {
    const api = createCaller(createApi(ws))
    const r = await api.sync.pullNow({ limit: 20 })
    expect(r.bootstrapped).toBe(true)
    expect(r.pages).toBeGreaterThan(3)
    expect(events.some((e) => e.type === 'sync-status' && e.status.activity === 'bootstrapping')).toBe(true)
    expect(events.some((e) => e.type === 'sync-status' && e.status.bootstrap !== null && e.status.bootstrap.rows > 0)).toBe(true)
    expect(events.some((e) => e.type === 'data-changed' && e.tables.includes('lines'))).toBe(true)
    const s = await api.sync.status()
    expect(s.phase).toBe('log')
    expect(s.dataAsOf).not.toBeNull()
    expect(s.online).toBe(true)
    expect((ws.db.prepare('SELECT count(*) AS n FROM lines').get() as { n: number }).n).toBe(80)
  })

  it('pushNow, listProblems, retryOp, discardOp', { timeout: 180_000 }, async () => {
    const api = createCaller(createApi(ws))
    insertLocalOps(ws.db, [
      { line: 101, action: 'suspend', params: {} },
      { line: 102, action: 'warp_drive', params: {} },
      { line: 201, action: 'change_plan', params: { plan: 'NOPE' } },
    ])
    expect((await api.sync.status()).pending).toBe(3)
    const p = await api.sync.pushNow()
    expect(p).toMatchObject({ sent: 3, applied: 1, rejected: 2 })
    const problems = await api.sync.listProblems()
    expect(problems.map((x) => [x.action, x.status])).toEqual([
      ['warp_drive', 'rejected'],
      ['change_plan', 'rejected'],
    ])
    expect(problems[0].reason).toBe('unknown action warp_drive')
    expect(problems[0].sentence).toBe('test sentence')
    const retried = await api.sync.retryOp({ seq: problems[1].seq })
    expect(retried.seq).toBeGreaterThan(problems[1].seq)
    await api.sync.discardOp({ seq: problems[0].seq })
    const s = await api.sync.status()
    expect(s).toMatchObject({ pending: 1, rejected: 0 })
    await expect(api.sync.discardOp({ seq: 999_999 })).rejects.toThrow(/does not exist/)
    await expect(api.sync.retryOp({ seq: -1 })).rejects.toThrow(/Too small/)
  })

  it('ledger verify through the sandbox', { timeout: 120_000 }, async () => {
    const api = createCaller(createApi(ws))
    const v = await api.sync.ledgerVerify()
    expect(v.ok).toBe(true)
    expect(v.entries).toBeGreaterThanOrEqual(1)
    // issue 11, attack 2: the sandbox signs its head after each push with a key of its own, which it vouches for
    expect(v).toMatchObject({ verifiedUpTo: v.entries, signedUpTo: v.entries, signedBy: 'sandbox' })
    expect(describeLedger(v)).toBe(`Ledger verified up to entry ${v.entries}, signed by sandbox`)
    expect(statSync(join(sandboxDirFor(ws.opts.dbPath), 'ledger-signing-key.pem')).mode & 0o777).toBe(0o600)
  })

  it('settings: validation at the boundary; a Postgres URL goes to the 0600 secret file, shown redacted', { timeout: 120_000 }, async () => {
    const api = createCaller(createApi(ws))
    await expect(api.sync.setSettings({ source: 'postgres', postgresUrl: 'http://nope' } as never)).rejects.toThrow(/postgres:\/\//)
    // attack 7 (issue 11): a direct Postgres's role is the server's answer for the login, never chosen here
    await expect(api.sync.setSettings({ source: 'postgres', postgresUrl: 'postgres://me:hunter2@db.example:5432/wt', actAsRole: 'analyst' })).rejects.toThrow(
      /comes from the server/,
    )
    const s = await api.sync.setSettings({ source: 'postgres', postgresUrl: 'postgres://me:hunter2@db.example:5432/wt' })
    expect(s.postgresUrl).toBe('postgres://me:***@db.example:5432/wt')
    expect(JSON.stringify(ws.db.prepare("SELECT * FROM meta WHERE key LIKE 'sync.%'").all())).not.toContain('hunter2')
    const secrets = join(dir, 'ws.secrets.json')
    expect(statSync(secrets).mode & 0o777).toBe(0o600)
    await expect(api.sync.signIn({ email: 'a@b.co', password: 'x' })).rejects.toThrow(/Sign-in is for a Supabase project/)
    const back = await api.sync.setSettings({ source: 'sandbox', actAsRole: 'operator' })
    expect(back.source).toBe('sandbox')
  })
})
