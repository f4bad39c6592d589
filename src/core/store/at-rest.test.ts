// The workspace at rest (issue 11, "Local data at rest" and attack 10): encrypted with the store key by every opener
// (main thread, worker threads, the SQL runner and dashboards children), refused with a clear message without it,
// an old unencrypted workspace encrypted in place, files created 0600 whatever the umask.
import { chmodSync, copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { AppError } from '../../shared/api/errors'
import { startCore } from '../app'
import { buildDemoWorkspace } from '../demo'
import { setStoreKey } from './cipher'
import { keyFileProvider, passphraseProvider, desktopKeyProvider, type KeySettings } from './key-provider'
import { openDatabase } from './open'
import { Workspace } from './workspace'

const KEY = Buffer.alloc(32, 0x5a)
const OTHER = Buffer.alloc(32, 0x33)
let dir: string
let umask: number
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'wt-at-rest-'))
  // the most permissive umask: what is 0600 is so because we made it so
  umask = process.umask(0)
})
afterEach(() => {
  process.umask(umask)
  setStoreKey(null)
  rmSync(dir, { recursive: true, force: true })
})

function failure(fn: () => unknown): AppError {
  try {
    fn()
  } catch (e) {
    expect(e).toBeInstanceOf(AppError)
    return e as AppError
  }
  throw new Error('expected an error')
}

const mode = (p: string) => statSync(p).mode & 0o777

describe('encryption at rest', () => {
  it('keeps no readable bytes on disk, reopens with the key, and without it says the workspace is encrypted', async () => {
    setStoreKey(KEY)
    const path = join(dir, 'ws.sqlite')
    await buildDemoWorkspace(path, { lines: 300, months: 2, seed: 7, asOf: '2026-11-20' })
    const bytes = readFileSync(path)
    expect(bytes.subarray(0, 16).toString('latin1')).not.toBe('SQLite format 3\u0000')
    // an e-mail domain every demo account uses would be all over a plain file
    expect(bytes.includes(Buffer.from('CREATE TABLE'))).toBe(false)
    const ws = new Workspace({ dbPath: path })
    expect((ws.db.prepare('SELECT count(*) AS n FROM lines').get() as { n: number }).n).toBe(300)
    ws.close()

    setStoreKey(null)
    const none = failure(() => openDatabase(path))
    expect(none.code).toBe('DB_LOCKED_KEY')
    expect(none.message).toMatch(/^This workspace is encrypted; open it with its key/)
    setStoreKey(OTHER)
    expect(failure(() => openDatabase(path)).message).toMatch(/cannot be read with this key/)
  })

  it('every opener uses the key: the demo shards (worker threads, ATTACH), the SQL runner and dashboards children', async () => {
    setStoreKey(KEY)
    const path = join(dir, 'ws.sqlite')
    // two workers: shard files written by worker threads and ATTACHed back
    await buildDemoWorkspace(path, { lines: 1200, months: 2, seed: 3, asOf: '2026-11-20', workers: 2 })
    const core = await startCore({ dbPath: path, noDemo: true, keyProvider: { kind: 'test', keyFor: () => KEY }, log: { level: 'silent', file: null, slowQueryMs: 50 } })
    try {
      const r = await core.api.reports.sqlRun({ sql: 'SELECT count(*) FROM lines', maxRows: 10, timeoutMs: 20_000 })
      expect(r.rows).toEqual([[1200]])
      const growth = await core.api.reports.subscriberGrowth()
      expect(growth.freshness?.stale).toBe(false)
    } finally {
      await core.stop()
    }
    const sidecar = `${path}.dashboards`
    expect(existsSync(sidecar)).toBe(true)
    expect(readFileSync(sidecar).subarray(0, 6).toString('latin1')).not.toBe('SQLite')
  })

  it('a big workspace is checked by the integrity worker thread, which opens it with the inherited key', async () => {
    setStoreKey(KEY)
    const path = join(dir, 'ws.sqlite')
    await buildDemoWorkspace(path, { lines: 200, months: 1, seed: 5, asOf: '2026-11-20' })
    const ws = new Workspace({ dbPath: path, integrity: 'background' })
    await ws.integrity
    expect(ws.state).toBe('ready')
    ws.close()
  })

  it('an encrypted workspace with damaged interior pages is refused at open (quick_check, attack 10)', async () => {
    setStoreKey(KEY)
    const path = join(dir, 'ws.sqlite')
    await buildDemoWorkspace(path, { lines: 1500, months: 2, seed: 7, asOf: '2026-11-20' })
    const bytes = readFileSync(path)
    const mid = Math.floor(bytes.length / 4096 / 2) * 4096
    bytes.fill(0xa5, mid, mid + 4 * 4096)
    writeFileSync(path, bytes)
    expect(failure(() => new Workspace({ dbPath: path })).message).toMatch(/^The workspace file is damaged: /)
  })

  it('encrypts an old unencrypted workspace in place on its first open with a key, and drops its plain sidecars', async () => {
    const path = join(dir, 'ws.sqlite')
    await buildDemoWorkspace(path, { lines: 250, months: 2, seed: 9, asOf: '2026-11-20' })
    writeFileSync(`${path}.dashboards`, 'SQLite format 3\u0000 old summaries in the clear')
    // a copy being encrypted when the app was killed
    writeFileSync(`${path}.encrypting`, 'half an encrypted copy')
    setStoreKey(KEY)
    const ws = new Workspace({ dbPath: path })
    expect((ws.db.prepare('SELECT count(*) AS n FROM lines').get() as { n: number }).n).toBe(250)
    expect(ws.meta('as_of')).toBe('2026-11-20')
    ws.close()
    expect(readFileSync(path).subarray(0, 6).toString('latin1')).not.toBe('SQLite')
    expect(existsSync(`${path}.encrypting`)).toBe(false)
    expect(existsSync(`${path}.dashboards`)).toBe(false)
    expect(() => new Database(path).prepare('SELECT 1 FROM lines').get()).toThrow(/not a database/)
  })
})

describe('keys', () => {
  const settings = (s: Partial<KeySettings> = {}): KeySettings => ({ encryption: 'on', passphrase: null, keyFile: join(dir, 'home', 'workspace.key'), saltFile: join(dir, 'home', 'workspace.salt'), ...s })

  it('a key file is made once, 0600, and gives the same key again', () => {
    const p = keyFileProvider(join(dir, 'home', 'workspace.key'))
    const a = p.keyFor(join(dir, 'ws.sqlite'))
    expect(a.length).toBe(32)
    expect(mode(join(dir, 'home', 'workspace.key'))).toBe(0o600)
    expect(p.keyFor(join(dir, 'ws.sqlite')).equals(a)).toBe(true)
  })

  it('a passphrase gives the same key with its salt, another key with another passphrase', () => {
    const salt = join(dir, 'home', 'workspace.salt')
    const a = passphraseProvider('correct horse battery', salt).keyFor('x')
    expect(passphraseProvider('correct horse battery', salt).keyFor('x').equals(a)).toBe(true)
    expect(passphraseProvider('correct horse batterY', salt).keyFor('x').equals(a)).toBe(false)
    expect(mode(salt)).toBe(0o600)
    expect(() => passphraseProvider('short')).toThrow(/at least 8 characters/)
  })

  it('the desktop refuses the basic_text keychain with what to do, and takes the opt-in passphrase', () => {
    const vault = { encrypt: (s: string) => Buffer.from(s).reverse(), decrypt: (b: Buffer) => Buffer.from(b).reverse().toString() }
    expect(() => desktopKeyProvider(settings(), { available: true, backend: 'basic_text', vault })).toThrow(/basic_text.*WINGTEL_DB_PASSPHRASE/)
    expect(desktopKeyProvider(settings({ passphrase: 'a long passphrase' }), { available: true, backend: 'basic_text', vault })?.kind).toBe('passphrase')
    const sealed = desktopKeyProvider(settings(), { available: true, backend: 'gnome_libsecret', vault })!
    const k = sealed.keyFor(join(dir, 'ws.sqlite'))
    expect(k.length).toBe(32)
    // kept sealed, 0600, beside the workspace
    expect(readFileSync(join(dir, 'ws.sqlite.key')).toString()).not.toContain(k.toString('hex'))
    expect(mode(join(dir, 'ws.sqlite.key'))).toBe(0o600)
    expect(desktopKeyProvider(settings({ encryption: 'off' }), { available: false, backend: null, vault })).toBeNull()
  })
})

describe('files are private (attack 10: the workspace file was world-readable)', () => {
  it('creates the workspace, its -wal and -shm 0600 under umask 0, and tightens an existing world-readable one', () => {
    const path = join(dir, 'ws.sqlite')
    const ws = new Workspace({ dbPath: path })
    ws.setMeta('probe', '1')
    for (const f of [path, `${path}-wal`, `${path}-shm`]) expect([f, mode(f)]).toEqual([f, 0o600])
    ws.close()
    const old = join(dir, 'old.sqlite')
    copyFileSync(path, old)
    chmodSync(old, 0o644)
    new Workspace({ dbPath: old }).close()
    expect(mode(old)).toBe(0o600)
  })

  it('the log file is created 0600', async () => {
    const path = join(dir, 'ws.sqlite')
    const core = await startCore({ dbPath: path, noDemo: true, log: { level: 'info', file: join(dir, 'logs', 'wingtel.log'), slowQueryMs: 50 } })
    await core.stop()
    expect(mode(join(dir, 'logs', 'wingtel.log'))).toBe(0o600)
  })
})
