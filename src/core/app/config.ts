// The core's one configuration: read once, by loadConfig, from the environment (the `WINGTEL_*` variables; no other
// module reads them) and passed down explicitly by startCore. Every setting is in docs/CONFIG.md. The workspace's own
// settings (which backend it syncs with, the session) are not here: they live in the workspace file and change at run
// time from the Sync screen.
import { homedir } from 'node:os'
import { join } from 'node:path'
import type { LlmSettings } from '../console'
import { LEVELS, logFileFor, type LogLevel } from '../log'
import type { KeySettings, Workspace, WorkspaceKeyProvider } from '../store'
import type { BootstrapOptions, LedgerKey, SandboxOptions, SecretStore } from '../sync'
import { llmSettings } from '../console'
import { parseLaneLayout, parseLedgerKeys } from '../sync'

export interface DemoSize {
  lines: number
  months: number
  seed: number
}

export interface CoreConfig {
  /** the workspace file */
  dbPath: string
  /** first-start demo size (when the workspace is empty and has no backend) */
  demo: DemoSize
  /** skip the first-start demo build (tests that fill the store themselves) */
  noDemo: boolean
  /** the embedded sandbox backend: its folder (null: next to the workspace) and its demo size */
  sandbox: SandboxOptions
  /** the bulk bootstrap: lane layout, trace, and the tests' fault hook */
  bootstrap: BootstrapOptions
  /** the console's LLM tier */
  llm: LlmSettings
  /** the update feed (null: the one electron-builder.yml baked in) */
  updateUrl: string | null
  /** accept a plain-http update feed on this machine (127.0.0.1, localhost, [::1]): tests only; a packaged app ignores it */
  updateAllowLoopbackHttp: boolean
  /** the log: its level, its file (null: stderr only; default: `<workspace folder>/logs/wingtel.log`, rotated by size)
   * and the slow-query threshold on the workspace store */
  log: { level: LogLevel; file: string | null; slowQueryMs: number }
  /** resource caps: web mode's request bodies, the SQL runner's concurrent children, its queue wait and result size */
  limits: Limits
  /** the public keys whose signatures of the central ledger's head this workstation trusts (WINGTEL_LEDGER_KEYS) */
  ledgerKeys: LedgerKey[]
  /** the workspace's encryption at rest (store/key-provider.ts): on by default for the front ends (loadConfig), off
   * in code defaults (tests that open their stores as they are) */
  storeKey: KeySettings
  /** minutes without activity before the app locks (unlocking needs the password); 0: never */
  idleLockMinutes: number
  // ---- set by code, never by the environment ----
  /** where the session and backend URL are kept (Electron: safeStorage); default: a file beside the workspace */
  secretStore?: (ws: Workspace) => SecretStore
  /** where the workspace key is kept (Electron: the OS keychain); default: headlessKeyProvider(storeKey) */
  keyProvider?: WorkspaceKeyProvider
  /** the first-start demo build waits for this after entering 'building' (e2e: open the page first, then let it run) */
  demoGate?: Promise<void>
}

export interface Limits {
  /** the largest web-mode request body, in bytes (over it: 413) */
  maxBodyBytes: number
  /** SQL runner children running at once */
  sqlConcurrency: number
  /** how long an SQL run waits for a free child before it is refused as busy (503), in ms; 0: refused at once */
  sqlQueueMs: number
  /** the most bytes an SQL result returns; the statement stops there and the result says it was truncated */
  sqlMaxResultBytes: number
}

export const DEFAULT_LIMITS: Limits = { maxBodyBytes: 1024 * 1024, sqlConcurrency: 2, sqlQueueMs: 5_000, sqlMaxResultBytes: 50 * 1024 * 1024 }

/** What startCore accepts: a workspace file, and any setting to change from its default. */
export type CoreInput = Pick<CoreConfig, 'dbPath'> & Partial<CoreConfig>

export const FIRST_START_DEMO: DemoSize = { lines: 25_000, months: 24, seed: 20261122 }

/** The sandbox's demo: the same generator, size and seed as the first-start workspace. */
export const SANDBOX_DEMO = { lines: FIRST_START_DEMO.lines, months: FIRST_START_DEMO.months }

/** Where a headless run (CLI, web mode) keeps its workspace unless --db or WINGTEL_DB says otherwise. */
export function defaultHome(env: NodeJS.ProcessEnv): string {
  return env.WINGTEL_HOME || join(homedir(), '.wingtel-ops')
}

/** Every setting at its default, for the workspace at `dbPath`. */
export function defaultConfig(dbPath: string): CoreConfig {
  return {
    dbPath,
    demo: FIRST_START_DEMO,
    noDemo: false,
    sandbox: { dir: null, ...SANDBOX_DEMO },
    bootstrap: {},
    llm: {},
    updateUrl: null,
    updateAllowLoopbackHttp: false,
    log: { level: 'info', file: logFileFor(dbPath) ?? null, slowQueryMs: 50 },
    limits: DEFAULT_LIMITS,
    ledgerKeys: [],
    storeKey: keySettings({ WINGTEL_DB_ENCRYPTION: 'off' }),
    idleLockMinutes: 15,
  }
}

/** WINGTEL_DB_ENCRYPTION (on|off, default on), WINGTEL_DB_PASSPHRASE, WINGTEL_DB_KEY_FILE (default WINGTEL_HOME/workspace.key). */
export function keySettings(env: NodeJS.ProcessEnv): KeySettings {
  const raw = env.WINGTEL_DB_ENCRYPTION
  if (raw !== undefined && raw !== '' && raw !== 'on' && raw !== 'off') throw new Error(`WINGTEL_DB_ENCRYPTION must be on or off (got '${raw}')`)
  const home = defaultHome(env)
  return {
    encryption: raw === 'off' ? 'off' : 'on',
    passphrase: env.WINGTEL_DB_PASSPHRASE || null,
    keyFile: env.WINGTEL_DB_KEY_FILE || join(home, 'workspace.key'),
    saltFile: join(home, 'workspace.salt'),
  }
}

/** A config with every setting `input` leaves out at its default. */
export function withDefaults(input: CoreInput): CoreConfig {
  return { ...defaultConfig(input.dbPath), ...input }
}

export interface LoadOptions {
  /** the workspace when WINGTEL_DB is not set (Electron: in its userData folder); default: WINGTEL_HOME/workspace.sqlite */
  dbPath?: string
}

/** Reads the configuration from `env` (process.env at the front ends' start; a plain object in tests). */
export function loadConfig(env: NodeJS.ProcessEnv, opts: LoadOptions = {}): CoreConfig {
  const dbPath = env.WINGTEL_DB || opts.dbPath || join(defaultHome(env), 'workspace.sqlite')
  const lanes = env.WINGTEL_BOOTSTRAP_LANES
  return {
    ...defaultConfig(dbPath),
    sandbox: {
      dir: env.WINGTEL_SANDBOX_DIR || null,
      lines: positive(env, 'WINGTEL_SANDBOX_LINES') ?? SANDBOX_DEMO.lines,
      months: positive(env, 'WINGTEL_SANDBOX_MONTHS') ?? SANDBOX_DEMO.months,
    },
    bootstrap: {
      ...(lanes !== undefined ? { lanes: parseLaneLayout(lanes) } : {}),
      ...(env.WINGTEL_SYNC_TRACE ? { trace: true } : {}),
    },
    llm: llmSettings({}, env),
    updateUrl: env.WINGTEL_UPDATE_URL || null,
    updateAllowLoopbackHttp: env.WINGTEL_UPDATE_ALLOW_LOOPBACK_HTTP === '1',
    log: {
      level: logLevel(env.WINGTEL_LOG_LEVEL),
      file: env.WINGTEL_LOG_FILE === '' ? null : env.WINGTEL_LOG_FILE || (logFileFor(dbPath) ?? null),
      slowQueryMs: positive(env, 'WINGTEL_SLOW_QUERY_MS') ?? 50,
    },
    limits: {
      maxBodyBytes: positive(env, 'WINGTEL_MAX_BODY_BYTES') ?? DEFAULT_LIMITS.maxBodyBytes,
      sqlConcurrency: positive(env, 'WINGTEL_SQL_CONCURRENCY') ?? DEFAULT_LIMITS.sqlConcurrency,
      sqlQueueMs: positive(env, 'WINGTEL_SQL_QUEUE_MS', { zero: true }) ?? DEFAULT_LIMITS.sqlQueueMs,
      sqlMaxResultBytes: positive(env, 'WINGTEL_SQL_MAX_RESULT_BYTES') ?? DEFAULT_LIMITS.sqlMaxResultBytes,
    },
    ledgerKeys: parseLedgerKeys(env.WINGTEL_LEDGER_KEYS ?? ''),
    storeKey: keySettings(env),
    idleLockMinutes: wholeMinutes(env, 'WINGTEL_IDLE_LOCK_MINUTES') ?? 15,
  }
}

/** 0 or a positive whole number of minutes (at most a day). */
function wholeMinutes(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const raw = env[name]
  if (raw === undefined || raw === '') return undefined
  const n = Number(raw)
  if (!Number.isInteger(n) || n < 0 || n > 1440) throw new Error(`${name} must be a whole number of minutes from 0 (off) to 1440 (got '${raw}')`)
  return n
}

function logLevel(raw: string | undefined): LogLevel {
  if (raw === undefined || raw === '') return 'info'
  if (!(raw in LEVELS) && raw !== 'silent') throw new Error(`WINGTEL_LOG_LEVEL must be one of ${[...Object.keys(LEVELS), 'silent'].join(', ')} (got '${raw}')`)
  return raw as LogLevel
}

function positive(env: NodeJS.ProcessEnv, name: string, opts: { zero?: boolean } = {}): number | undefined {
  const raw = env[name]
  if (raw === undefined || raw === '') return undefined
  const n = Number(raw)
  // past 2^31−1 ms a timer fires at once; no setting here needs more
  if (!Number.isInteger(n) || n < (opts.zero ? 0 : 1) || n > 2 ** 31 - 1) {
    throw new Error(`${name} must be a ${opts.zero ? 'whole number ≥ 0' : 'positive whole number'} up to ${2 ** 31 - 1} (got '${raw}')`)
  }
  return n
}
