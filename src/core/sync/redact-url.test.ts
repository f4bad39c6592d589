// Attack 10 of issue 11: a Postgres password given as `?password=` was stored in plain text in meta and shown in the
// sync status. The URL goes to the secret store only; meta, the settings and the status show it redacted.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { redactText, redactUrl } from '../../shared/domain/redact'
import { Workspace } from '../store'
import { MemorySecretStore } from './secrets'
import { syncService } from './service'

const dir = mkdtempSync(join(tmpdir(), 'wt-sync-redact-'))
const ws = new Workspace({ dbPath: join(dir, 'ws.sqlite') })
afterAll(async () => {
  await syncService(ws).close()
  ws.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('a direct Postgres URL with a password (attack 10)', () => {
  // one service per workspace (syncService caches it), so one secret store for every case
  const secrets = new MemorySecretStore()
  it.each([
    ['postgres://me@db.example:5432/wt?password=hunter2', 'postgres://me@db.example:5432/wt?password=***'],
    ['postgres://me:hunter2@db.example:5432/wt?sslmode=require', 'postgres://me:***@db.example:5432/wt?sslmode=require'],
  ])('%s is kept in the secret store and shown as %s', async (url, shown) => {
    const svc = syncService(ws, { secrets, inline: true })
    const s = await svc.setSettings({ source: 'postgres', postgresUrl: url })
    expect(s.postgresUrl).toBe(shown)
    expect(svc.statusSync().remoteLabel).toBe(shown)
    expect(JSON.stringify(ws.db.prepare('SELECT * FROM meta').all())).not.toContain('hunter2')
    expect(JSON.stringify(svc.statusSync())).not.toContain('hunter2')
    // the URL itself, password and all, is in the secret store only (the remote is built from it once signed in)
    expect(secrets.get('postgres_url')).toBe(url)
  })
})

describe('redactUrl (attack 10, password in plain text)', () => {
  it.each([
    ['postgres://me:hunter2@db.example:5432/wt', 'postgres://me:***@db.example:5432/wt'],
    ['postgres://me@db.example/wt?password=hunter2', 'postgres://me@db.example/wt?password=***'],
    ['postgresql://me@db.example/wt?sslmode=require&password=hunter2&application_name=x', 'postgresql://me@db.example/wt?sslmode=require&password=***&application_name=x'],
    ['postgres://me:p%40ss@db.example/wt?sslpassword=k3y', 'postgres://me:***@db.example/wt?sslpassword=***'],
    ['postgres://db.example/wt', 'postgres://db.example/wt'],
    ['not a url hunter2', 'postgres://…'],
  ])('%s → %s', (url, shown) => {
    expect(redactUrl(url)).toBe(shown)
    expect(redactUrl(url)).not.toMatch(/hunter2|p%40ss|k3y/)
  })

  it('masks credentials inside free text', () => {
    const msg = 'connect failed for postgres://me:hunter2@db.example/wt and postgres://me@h/wt?password=hunter2&x=1, GET /api/x?token=abc123&q=1'
    const out = redactText(msg)
    expect(out).not.toMatch(/hunter2|abc123/)
    expect(out).toBe('connect failed for postgres://me:***@db.example/wt and postgres://me@h/wt?password=***&x=1, GET /api/x?token=***&q=1')
    expect(redactText('host=db password=hunter2 dbname=wt')).toBe('host=db password=*** dbname=wt')
  })
})
