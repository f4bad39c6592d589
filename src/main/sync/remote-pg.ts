// Direct Postgres through `pg`: self-hosted Postgres, the tests and the bench. Pokes by LISTEN (the central side
// NOTIFYs once per transaction that writes the change log, migration 8), re-established when its connection drops,
// plus a slow poll as a safety net.
import pg from 'pg'
import type { Claims } from './remote'
import { POKE_CHANNEL, SqlRemote, type Query } from './remote-sql'

export function redactUrl(url: string): string {
  try {
    const u = new URL(url)
    if (u.password) u.password = '***'
    return u.toString()
  } catch {
    return 'postgres://…'
  }
}

export class PgRemote extends SqlRemote {
  readonly kind = 'postgres' as const
  readonly label: string
  private pool: pg.Pool
  private listener: pg.Client | null = null
  private listening = false
  private relistenTimer: ReturnType<typeof setTimeout> | null = null

  constructor(
    private url: string,
    claims: Claims,
    opts: { pollMs?: number; poolSize?: number } = {},
  ) {
    // a slow poll beside LISTEN, for a central database without migration 8 (no pokes); the engine itself pulls again
    // until the horizon passes a poked xid
    super(claims, opts.pollMs ?? 30_000)
    this.label = redactUrl(url)
    this.pool = new pg.Pool({ connectionString: url, max: opts.poolSize ?? 3, connectionTimeoutMillis: 10_000 })
    // an idle client losing its connection must not crash the process; the next call reconnects
    this.pool.on('error', () => {})
  }

  protected async tx<T>(fn: (q: Query) => Promise<T>): Promise<T> {
    const client = await this.pool.connect()
    let broken = false
    try {
      await client.query('BEGIN')
      const q: Query = async (sql, params) => (await client.query(sql, params as unknown[])).rows
      const out = await fn(q)
      await client.query('COMMIT')
      return out
    } catch (e) {
      try {
        await client.query('ROLLBACK')
      } catch {
        broken = true
      }
      throw e
    } finally {
      client.release(broken)
    }
  }

  protected async listen(fire: (payload: string | null) => void): Promise<void> {
    this.listening = true
    const c = new pg.Client({ connectionString: this.url })
    // the LISTEN connection lost (server restart, network): LISTEN again, then one poke for what was missed meanwhile
    let dead = false
    const lost = () => {
      if (dead) return
      dead = true
      if (this.listener === c) this.listener = null
      c.end().catch(() => {})
      this.relisten(fire)
    }
    c.on('error', lost)
    c.on('end', lost)
    try {
      await c.connect()
      c.on('notification', (n) => fire(n.payload ?? null))
      await c.query(`LISTEN ${POKE_CHANNEL}`)
    } catch (e) {
      lost()
      throw e
    }
    if (!this.listening) {
      await c.end().catch(() => {})
      return
    }
    this.listener = c
  }

  private relisten(fire: (payload: string | null) => void): void {
    if (!this.listening || this.relistenTimer) return
    this.relistenTimer = setTimeout(() => {
      this.relistenTimer = null
      if (this.listening) this.listen(fire).then(() => fire(null), () => {})
    }, 1000)
    this.relistenTimer.unref?.()
  }

  protected async unlisten(): Promise<void> {
    this.listening = false
    if (this.relistenTimer) clearTimeout(this.relistenTimer)
    this.relistenTimer = null
    const c = this.listener
    this.listener = null
    if (c) await c.end().catch(() => {})
  }

  async close(): Promise<void> {
    this.stopPokes()
    await this.unlisten()
    await this.pool.end().catch(() => {})
  }
}
