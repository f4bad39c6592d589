// Direct Postgres through `pg`: self-hosted Postgres, the tests and the bench. Pokes by LISTEN (when the central side
// NOTIFYs) plus a slow poll as a safety net.
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

  constructor(
    private url: string,
    claims: Claims,
    opts: { pollMs?: number; poolSize?: number } = {},
  ) {
    // a slow poll beside LISTEN: the central side may not NOTIFY, and a poke can arrive before the horizon passes
    super(claims, opts.pollMs ?? 2000)
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

  protected async listen(fire: () => void): Promise<void> {
    const c = new pg.Client({ connectionString: this.url })
    c.on('error', () => {})
    await c.connect()
    c.on('notification', () => fire())
    await c.query(`LISTEN ${POKE_CHANNEL}`)
    this.listener = c
  }

  protected async unlisten(): Promise<void> {
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
