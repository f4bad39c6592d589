// The sandbox: the central backend in process (PGlite) with the same migrations, filled with the demo data, persisted
// in a folder next to the workspace. The embedded default, so pull, push and the ledger work with no server at all.
// One process at a time may open a sandbox folder (PGlite is single-user); a lock file says who has it.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { RemoteError } from './errors'
import type { Claims } from './remote'
import { POKE_CHANNEL, SqlRemote, type Query } from './remote-sql'

/** The central side's module (another engineer's area), loaded by name so this file builds before it exists. */
interface CentralModule {
  applyCentralMigrations?: (db: unknown) => Promise<unknown>
  fillCentralDemo?: (db: unknown, opts?: Record<string, unknown>) => Promise<unknown>
}
async function loadCentral(name: string): Promise<CentralModule | null> {
  try {
    return (await import(/* @vite-ignore */ `../central/${name}`)) as CentralModule
  } catch {
    return null
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as { code?: string }).code === 'EPERM'
  }
}

function takeLock(dir: string): () => void {
  const lock = join(dir, 'wingtel-sandbox.lock')
  if (existsSync(lock)) {
    const pid = Number(readFileSync(lock, 'utf8'))
    if (pid && pid !== process.pid && pidAlive(pid)) {
      throw new RemoteError('server', `The sandbox (${dir}) is open in another Wingtel Ops process (pid ${pid}); close it first.`)
    }
  }
  writeFileSync(lock, String(process.pid))
  return () => rmSync(lock, { force: true })
}

export class SandboxRemote extends SqlRemote {
  readonly kind = 'sandbox' as const
  readonly label = 'Sandbox (embedded)'
  private unlistenFn: (() => Promise<void>) | null = null
  private queue: Promise<unknown> = Promise.resolve()

  constructor(
    readonly pg: PGlite,
    claims: Claims,
    private release: () => void,
    pollMs = 0,
    /** false when the PGlite instance is shared (tests): close() leaves it open */
    private ownsDb = true,
  ) {
    super(claims, pollMs)
  }

  protected tx<T>(fn: (q: Query) => Promise<T>): Promise<T> {
    // PGlite runs one transaction at a time; queue ours so a prefetching pull and a push interleave safely
    const run = () => this.pg.transaction(async (tx) => fn(async (sql, params) => (await tx.query<Record<string, unknown>>(sql, params as unknown[])).rows))
    const next = this.queue.then(run, run)
    this.queue = next.catch(() => {})
    return next
  }

  protected async listen(fire: () => void): Promise<void> {
    this.unlistenFn = await this.pg.listen(POKE_CHANNEL, () => fire())
  }

  protected async unlisten(): Promise<void> {
    const f = this.unlistenFn
    this.unlistenFn = null
    if (f) await f().catch(() => {})
  }

  async close(): Promise<void> {
    this.stopPokes()
    await this.unlisten()
    await this.queue
    if (this.ownsDb) await this.pg.close().catch(() => {})
    this.release()
  }
}

/** Applies db/central/migrations to a PGlite database, unless the central module provides its runner. */
export async function migrateSandbox(pg: PGlite): Promise<void> {
  const migrate = await loadCentral('migrate')
  if (migrate?.applyCentralMigrations) {
    await migrate.applyCentralMigrations(pg)
    return
  }
  throw new RemoteError('server', 'The sandbox needs the central migrations runner (src/main/central/migrate.ts), which this build lacks.')
}

/** Fills an empty sandbox with the demo MVNO through the central side's demo fill. */
export async function fillSandbox(pg: PGlite, opts: Record<string, unknown> = {}): Promise<void> {
  const n = await pg.query<{ n: number }>('SELECT count(*)::int AS n FROM lines')
  if ((n.rows[0]?.n ?? 0) > 0) return
  const fill = (await loadCentral('demo-fill')) ?? (await loadCentral('demo'))
  if (fill?.fillCentralDemo) await fill.fillCentralDemo(pg, opts)
}

export async function openSandboxRemote(dir: string, claims: Claims, opts: { pollMs?: number; demo?: Record<string, unknown> } = {}): Promise<SandboxRemote> {
  mkdirSync(dir, { recursive: true })
  const release = takeLock(dir)
  let pg: PGlite | null = null
  try {
    pg = await PGlite.create(join(dir, 'pgdata'))
    await migrateSandbox(pg)
    await fillSandbox(pg, opts.demo)
    return new SandboxRemote(pg, claims, release, opts.pollMs ?? 0)
  } catch (e) {
    await pg?.close().catch(() => {})
    release()
    throw e
  }
}
