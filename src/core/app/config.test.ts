// The core's one configuration: every WINGTEL_* setting read by loadConfig, and by nothing else in the core.
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'
import { defaultConfig, FIRST_START_DEMO, keySettings, loadConfig, withDefaults } from './config'

const SRC = join(__dirname, '..', '..')

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? sources(join(dir, d.name)) : /\.tsx?$/.test(d.name) && !/\.test\.tsx?$/.test(d.name) ? [join(dir, d.name)] : [],
  )
}

describe('loadConfig', () => {
  it('puts the log beside the workspace and reads its level, file and slow-query threshold', () => {
    expect(loadConfig({}, { dbPath: '/data/ws.sqlite' }).log).toEqual({ level: 'info', file: join('/data', 'logs', 'wingtel.log'), slowQueryMs: 50 })
    expect(loadConfig({ WINGTEL_LOG_LEVEL: 'debug', WINGTEL_LOG_FILE: '/var/log/w.log', WINGTEL_SLOW_QUERY_MS: '200' }, { dbPath: '/d/ws.sqlite' }).log).toEqual({
      level: 'debug',
      file: '/var/log/w.log',
      slowQueryMs: 200,
    })
    // an empty file name means stderr only
    expect(loadConfig({ WINGTEL_LOG_FILE: '' }, { dbPath: '/d/ws.sqlite' }).log.file).toBeNull()
    expect(() => loadConfig({ WINGTEL_LOG_LEVEL: 'loud' }, { dbPath: '/d/ws.sqlite' })).toThrow(/WINGTEL_LOG_LEVEL must be one of/)
    expect(() => loadConfig({ WINGTEL_SLOW_QUERY_MS: '-5' }, { dbPath: '/d/ws.sqlite' })).toThrow(/WINGTEL_SLOW_QUERY_MS must be a positive whole number/)
  })

  it('gives the defaults for an empty environment', () => {
    const c = loadConfig({}, { dbPath: '/data/ws.sqlite' })
    // the one difference: the front ends encrypt the workspace by default, code defaults (tests) do not
    expect(c).toEqual({ ...defaultConfig('/data/ws.sqlite'), storeKey: keySettings({}) })
    expect(c.storeKey.encryption).toBe('on')
    expect(defaultConfig('/data/ws.sqlite').storeKey.encryption).toBe('off')
    expect(c.demo).toEqual(FIRST_START_DEMO)
    expect(c.sandbox).toEqual({ dir: null, lines: 25_000, months: 24 })
    expect(loadConfig({ WINGTEL_HOME: '/home/x/.w' }).dbPath).toBe(join('/home/x/.w', 'workspace.sqlite'))
  })

  it('reads every WINGTEL_* setting of the core', () => {
    const c = loadConfig(
      {
        WINGTEL_DB: '/env/ws.sqlite',
        WINGTEL_SANDBOX_DIR: '/sb',
        WINGTEL_SANDBOX_LINES: '500',
        WINGTEL_SANDBOX_MONTHS: '3',
        WINGTEL_BOOTSTRAP_LANES: 'accounts, lines;usage_daily,invoice_items',
        WINGTEL_SYNC_TRACE: '1',
        WINGTEL_OPENAI_BASE_URL: 'http://127.0.0.1:11434/v1',
        WINGTEL_OPENAI_MODEL: 'llama3.1',
        WINGTEL_OPENAI_TIMEOUT_MS: '2000',
        WINGTEL_UPDATE_URL: 'https://updates.example/staging',
        WINGTEL_UPDATE_ALLOW_LOOPBACK_HTTP: '1',
      },
      { dbPath: '/fallback.sqlite' },
    )
    expect(c.dbPath).toBe('/env/ws.sqlite')
    expect(c.sandbox).toEqual({ dir: '/sb', lines: 500, months: 3 })
    expect(c.bootstrap).toEqual({ lanes: [['accounts', 'lines'], ['usage_daily', 'invoice_items']], trace: true })
    expect(c.llm).toEqual({ apiKey: undefined, baseURL: 'http://127.0.0.1:11434/v1', model: 'llama3.1', timeoutMs: 2000 })
    expect(c.updateUrl).toBe('https://updates.example/staging')
    expect(c.updateAllowLoopbackHttp).toBe(true)
    expect(loadConfig({ WINGTEL_HOME: '/h', WINGTEL_DB_PASSPHRASE: 'a long passphrase' }).storeKey).toEqual({
      encryption: 'on',
      passphrase: 'a long passphrase',
      keyFile: join('/h', 'workspace.key'),
      saltFile: join('/h', 'workspace.salt'),
    })
    expect(loadConfig({ WINGTEL_DB_ENCRYPTION: 'off', WINGTEL_DB_KEY_FILE: '/k/key' }).storeKey).toMatchObject({ encryption: 'off', keyFile: '/k/key' })
    expect(() => loadConfig({ WINGTEL_DB_ENCRYPTION: 'maybe' })).toThrow(/WINGTEL_DB_ENCRYPTION must be on or off/)
    // an empty layout: no lane, the sync thread copies every table
    expect(loadConfig({ WINGTEL_BOOTSTRAP_LANES: '' }).bootstrap.lanes).toEqual([])
  })

  it('reads the resource caps of web mode and the SQL runner (issue 11, attack 10)', () => {
    expect(loadConfig({}, { dbPath: '/d/ws.sqlite' }).limits).toEqual({ maxBodyBytes: 1024 * 1024, sqlConcurrency: 2, sqlQueueMs: 5000, sqlMaxResultBytes: 50 * 1024 * 1024 })
    const env = { WINGTEL_MAX_BODY_BYTES: '65536', WINGTEL_SQL_CONCURRENCY: '1', WINGTEL_SQL_QUEUE_MS: '0', WINGTEL_SQL_MAX_RESULT_BYTES: '1000000' }
    expect(loadConfig(env, { dbPath: '/d/ws.sqlite' }).limits).toEqual({ maxBodyBytes: 65536, sqlConcurrency: 1, sqlQueueMs: 0, sqlMaxResultBytes: 1_000_000 })
    expect(() => loadConfig({ WINGTEL_SQL_CONCURRENCY: '0' })).toThrow(/WINGTEL_SQL_CONCURRENCY must be a positive whole number/)
    expect(() => loadConfig({ WINGTEL_SQL_QUEUE_MS: '9999999999' })).toThrow(/WINGTEL_SQL_QUEUE_MS must be a whole number ≥ 0 up to 2147483647/)
  })

  it('reads the trusted ledger signing keys (WINGTEL_LEDGER_KEYS) and refuses a malformed one', () => {
    const spki = 'MCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE='
    expect(loadConfig({ WINGTEL_LEDGER_KEYS: `worker:${spki}` }).ledgerKeys).toEqual([{ id: 'worker', spki }])
    expect(loadConfig({}).ledgerKeys).toEqual([])
    expect(() => loadConfig({ WINGTEL_LEDGER_KEYS: 'worker:nope' })).toThrow(/WINGTEL_LEDGER_KEYS: the key 'worker' is not a base64 Ed25519 public key/)
  })

  it('refuses a sandbox size that is not a positive whole number', () => {
    expect(() => loadConfig({ WINGTEL_SANDBOX_LINES: 'lots' })).toThrow(/WINGTEL_SANDBOX_LINES must be a positive whole number/)
  })

  it('fills what a caller of startCore leaves out with the defaults', () => {
    expect(withDefaults({ dbPath: ':memory:', noDemo: true })).toEqual({ ...defaultConfig(':memory:'), noDemo: true })
  })

  it('is the only reader of WINGTEL_* variables in the core (front ends read only their own flags)', () => {
    const readers = sources(SRC)
      .filter((f) => /process\.env\.WINGTEL_|process\.env\[['"]WINGTEL_/.test(readFileSync(f, 'utf8')))
      .map((f) => relative(SRC, f).split('\\').join('/'))
    expect(readers).toEqual(['web/serve-cli.ts'])
  })
})
