// The sandbox: the central backend in process (PGlite) with the same migrations, filled with the demo data, persisted
// in a folder next to the workspace. The embedded default, so pull, push and the ledger work with no server at all.
// One process at a time may open a sandbox folder (PGlite is single-user); a lock file says who has it.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { fromPglite, type SqlClient } from '../../../central/client'
import { fillCentralDemo, type CentralFillOptions } from '../../../central/demo-fill'
import { generateLedgerKey, ledgerKeyFromPrivatePem, signLedgerHead, type LedgerSigningKey } from '../../../central/ledger'
import { applyCentralMigrations } from '../../../central/migrate'
import type { PushBatch, PushReply } from '../../../shared/sync/protocol'
import { rootLogger } from '../../log'
import { RemoteError } from '../errors'
import type { Claims } from './remote'
import { POKE_CHANNEL, SqlRemote, type Query } from './sql'

/**
 * The sandbox's demo: the same generator, size and seed as the first-start workspace (src/core/app/config.ts
 * FIRST_START_DEMO); the size can be changed in the core's config (WINGTEL_SANDBOX_LINES / _MONTHS).
 */
export const SANDBOX_DEMO = { lines: 25_000, months: 24, seed: 20261122 }

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

  /**
   * `client` runs the SQL (a SqlClient over PGlite); `pglite`, when given, is the instance behind it: used for
   * LISTEN and closed by close() unless `ownsDb` is false (a shared test database).
   */
  constructor(
    readonly client: SqlClient,
    claims: Claims,
    private release: () => void,
    pollMs = 0,
    private pglite: PGlite | null = null,
    private ownsDb = true,
  ) {
    super(claims, pollMs)
  }

  /** the sandbox's own ledger key (ledgerSigningKeyFor): it signs the head after each push, as the job worker would */
  signingKey: LedgerSigningKey | null = null

  private enqueue<T>(run: () => Promise<T>): Promise<T> {
    const next = this.queue.then(run, run)
    this.queue = next.catch(() => {}) // the caller gets the error through `next`; the queue only orders
    return next
  }

  protected tx<T>(fn: (q: Query) => Promise<T>): Promise<T> {
    // PGlite runs one transaction at a time; queue ours so a prefetching pull and a push interleave safely
    return this.enqueue(() => this.client.transaction(async (tx) => fn(async (sql, params) => (await tx.query<Record<string, unknown>>(sql, params as unknown[])).rows)))
  }

  override async push(batch: PushBatch): Promise<PushReply> {
    const reply = await super.push(batch)
    const key = this.signingKey
    if (key) {
      await this.enqueue(() => signLedgerHead(this.client, key)).catch((e: unknown) => {
        // the push is done; an unsigned head shows as "not signed" (or as the verification failure that caused it)
        rootLogger().child({ domain: 'sync' }).warn({ err: e }, 'the sandbox could not sign the ledger head')
      })
    }
    return reply
  }

  ledgerKeys(): Array<{ id: string; spki: string }> {
    return this.signingKey ? [{ id: this.signingKey.id, spki: this.signingKey.spki }] : []
  }

  protected async listen(fire: (payload: string | null) => void): Promise<void> {
    if (this.pglite) this.unlistenFn = await this.pglite.listen(POKE_CHANNEL, (payload) => fire(payload))
  }

  protected async unlisten(): Promise<void> {
    const f = this.unlistenFn
    this.unlistenFn = null
    if (f) await f().catch(() => {}) // closing: an error here leaves nothing to clean up
  }

  async close(): Promise<void> {
    this.stopPokes()
    await this.unlisten()
    await this.queue
    if (this.ownsDb) await this.pglite?.close().catch(() => {}) // closing: an error here leaves nothing to clean up
    this.release()
  }
}

/** Fills an empty sandbox with the demo MVNO (the central side's demo fill). Returns whether it filled. */
export async function fillSandbox(client: SqlClient, opts: Partial<CentralFillOptions> = {}): Promise<boolean> {
  const n = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM lines')
  if ((n.rows[0]?.n ?? 0) > 0) return false
  await fillCentralDemo(client, { ...SANDBOX_DEMO, ...opts })
  return true
}

export async function openSandboxRemote(dir: string, claims: Claims, opts: { pollMs?: number; demo?: Partial<CentralFillOptions> } = {}): Promise<SandboxRemote> {
  mkdirSync(dir, { recursive: true })
  const release = takeLock(dir)
  let pg: PGlite | null = null
  try {
    pg = await PGlite.create(join(dir, 'pgdata'))
    const client = fromPglite(pg)
    await applyCentralMigrations(client)
    await fillSandbox(client, opts.demo)
    const remote = new SandboxRemote(client, claims, release, opts.pollMs ?? 0, pg)
    remote.signingKey = ledgerSigningKeyFor(dir)
    return remote
  } catch (e) {
    await pg?.close().catch(() => {}) // the start-up error is the one rethrown below
    release()
    throw e
  }
}

/** The sandbox's ledger key, made on first use and kept (0600) in its folder: the demo's "signed by sandbox". */
export function ledgerSigningKeyFor(dir: string): LedgerSigningKey {
  const file = join(dir, 'ledger-signing-key.pem')
  if (existsSync(file)) return ledgerKeyFromPrivatePem('sandbox', readFileSync(file, 'utf8'))
  const k = generateLedgerKey('sandbox')
  writeFileSync(file, k.pem, { mode: 0o600 })
  return k
}
