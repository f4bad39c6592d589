// A direct Postgres signs in with the person's own login role and takes the role the server gives that login
// (issue 11, attack 7: "the direct-Postgres workstations declare their own role", "every direct-Postgres operator is
// the same actor"). The server side of per-person logins (app_users) is migration work beside this; here the admin
// gives the login its role on the server (ALTER ROLE … SET request.jwt.claims), which app_role() reads today.
import { randomBytes } from 'node:crypto'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApi, createCaller } from '../app'
import { Workspace } from '../store'
import { syncService } from './service'
import { createTestCentral, type TestCentral } from './testing/test-central'

let c: TestCentral
let dir: string
let ws: Workspace
const login = `wt_person_${randomBytes(4).toString('hex')}`
const password = `pw-${randomBytes(6).toString('hex')}`

beforeAll(async () => {
  c = await createTestCentral()
  if (!c.url) return
  await c.sql(`CREATE ROLE ${login} LOGIN PASSWORD '${password}' IN ROLE authenticated`)
  const db = new URL(c.url).pathname.slice(1)
  await c.sql(`ALTER ROLE ${login} IN DATABASE "${db}" SET request.jwt.claims TO '{"app_metadata":{"role":"analyst"}}'`)
  dir = mkdtempSync(join(tmpdir(), 'wt-pglogin-'))
  ws = new Workspace({ dbPath: join(dir, 'ws.sqlite') })
}, 120_000)
afterAll(async () => {
  if (ws) {
    await syncService(ws).close()
    ws.close()
  }
  if (dir) rmSync(dir, { recursive: true, force: true })
  if (c?.url) await c.sql(`DROP ROLE IF EXISTS ${login}`).catch(() => undefined)
  await c?.close()
})

describe('direct Postgres: the person signs in with their own login; the server gives the role', () => {
  it('attack 7: no role chosen on the workstation; app_role() of the login decides; sign-out removes the login', async (ctx) => {
    ctx.skip(!c.url, 'needs a real PostgreSQL (TEST_DATABASE_URL): login roles cannot be made on PGlite')
    const api = createCaller(createApi(ws))
    await expect(api.sync.setSettings({ source: 'postgres', postgresUrl: c.url!, actAsRole: 'operator' })).rejects.toThrow(/comes from the server/)
    await api.sync.setSettings({ source: 'postgres', postgresUrl: c.url! })
    await expect(api.sync.pullNow({})).rejects.toThrow(/Sign in first/)
    await expect(api.lines.list({ startRow: 0, endRow: 1 })).rejects.toThrow(/Sign in first/)
    await expect(api.console.commit({ previewId: 'x' })).rejects.toThrow(/Sign in first/)
    const s = await api.auth.signInPassword({ login, password })
    expect(s).toMatchObject({ mode: 'server', step: 'signed-in', user: { email: login, role: 'analyst' } })
    const cfg = syncService(ws).remoteConfig()
    expect(cfg.kind === 'postgres' && new URL(cfg.url).username).toBe(login)
    expect(cfg.kind === 'postgres' && cfg.claims).toMatchObject({ email: login, app_metadata: { role: 'analyst' } })
    // the password is in the 0600 secret store only, never in the workspace's meta
    const secrets = join(dir, 'ws.secrets.json')
    expect(readFileSync(secrets, 'utf8')).toContain(password)
    expect(JSON.stringify(ws.db.prepare('SELECT * FROM meta').all())).not.toContain(password)
    await api.auth.signOut()
    const after = existsSync(secrets) ? readFileSync(secrets, 'utf8') : ''
    expect(after).not.toContain(password)
    expect(after).not.toContain('postgres_claims')
    expect((await api.auth.state()).step).toBe('signed-out')
  })
})
