// Direct Postgres through `pg`: self-hosted Postgres, the tests and the bench. Pokes by LISTEN (the central side
// NOTIFYs once per transaction that writes the change log, migration 8), re-established when its connection drops,
// plus a slow poll as a safety net.
import pg from 'pg'
import { to as copyTo } from 'pg-copy-streams'
import { redactUrl } from '../../../shared/domain/redact'
import { ProtocolError, type SnapshotChunk, type SnapshotTable } from '../../../shared/sync/protocol'
import { CopyTextParser } from '../bootstrap/copy-text'
import { classifyPgError } from '../errors'
import type { Claims, RemoteConfig } from './remote'
import { POKE_CHANNEL, SqlRemote, type Query } from './sql'


// the one redaction (userinfo password and ?password=), kept importable from here for the sync domain
export { redactUrl }

const ident = (s: string) => `"${s.replace(/"/g, '""')}"`

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
    private opts: { pollMs?: number; poolSize?: number; snapshotVia?: 'copy' | 'rpc' } = {},
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
        // the connection is unusable: it is released as broken below
        broken = true
      }
      throw e
    } finally {
      client.release(broken)
    }
  }

  laneConfig(): RemoteConfig {
    return { kind: 'postgres', url: this.url, claims: this.claims, pollMs: 0, snapshotVia: this.opts.snapshotVia }
  }

  /**
   * The bulk snapshot as one COPY (SELECT ... ORDER BY pk) TO STDOUT in the text format, run in a read-only
   * transaction under the caller's role and JWT claims (so RLS applies exactly as to sync_pull), parsed as it streams.
   * The stream pauses while the caller writes a chunk (backpressure).
   */
  override async *snapshotRows(table: SnapshotTable, columns: readonly string[], after: readonly unknown[] | null, chunkRows: number): AsyncGenerator<SnapshotChunk> {
    if (this.opts.snapshotVia === 'rpc') {
      yield* super.snapshotRows(table, columns, after, chunkRows)
      return
    }
    const kinds = new Map(table.columns.map((c) => [c.name, c.type]))
    const cols = columns.map((name) => ({ name, type: kinds.get(name) ?? 'text' }))
    const pkPos = table.pk.map((k) => columns.indexOf(k))
    if (pkPos.some((p) => p < 0)) throw new ProtocolError('malformed', `snapshot of ${table.table}: the primary key must be among the columns`)
    let where = ''
    if (after) {
      const lits = table.pk.map((k, i) => {
        const v = after[i]
        if (kinds.get(k) === 'int') {
          if (!/^-?\d+$/.test(String(v))) throw new ProtocolError('malformed', `snapshot of ${table.table}: bad resume key ${String(v)}`)
          return `${String(v)}::bigint`
        }
        return `${pg.Client.prototype.escapeLiteral(String(v))}::text`
      })
      where = `WHERE (${table.pk.map(ident).join(', ')}) > (${lits.join(', ')})`
    }
    const sql = `COPY (SELECT ${columns.map(ident).join(', ')} FROM public.${ident(table.table)} ${where} ORDER BY ${table.pk.map(ident).join(', ')}) TO STDOUT`
    let client: pg.PoolClient
    try {
      client = await this.pool.connect()
    } catch (e) {
      throw classifyPgError(e, 'snapshot')
    }
    let clean = false
    let stream: ReturnType<typeof copyTo> | null = null
    try {
      await client.query('BEGIN READ ONLY')
      await client.query('SET LOCAL ROLE authenticated')
      await client.query("SELECT set_config('request.jwt.claims', $1, true), set_config('request.jwt.claim.sub', $2, true)", [JSON.stringify(this.claims), this.claims.sub])
      await client.query("SET LOCAL bytea_output = 'hex'")
      const parser = new CopyTextParser(table.table, cols)
      stream = client.query(copyTo(sql))
      let rows: unknown[][] = []
      const take = (n: number): SnapshotChunk => {
        const out = n >= rows.length ? rows : rows.slice(0, n)
        rows = n >= rows.length ? [] : rows.slice(n)
        const lastRow = out[out.length - 1]
        return { rows: out, last: pkPos.map((p) => lastRow[p]) }
      }
      for await (const buf of stream as AsyncIterable<Buffer>) {
        parser.push(buf, rows)
        while (rows.length >= chunkRows) yield take(chunkRows)
      }
      parser.end()
      if (stream.rowCount !== parser.count) {
        throw new ProtocolError('malformed', `The server sent a malformed snapshot of ${table.table} (${parser.count} rows received, ${stream.rowCount} sent). Nothing of the last chunk was applied.`)
      }
      if (rows.length) yield take(rows.length)
      await client.query('COMMIT')
      clean = true
    } catch (e) {
      throw classifyPgError(e, `snapshot of ${table.table}`)
    } finally {
      // a COPY left mid-stream (the caller stopped, or an error) leaves the connection unusable: drop it
      if (!clean) stream?.destroy()
      client.release(!clean)
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
      c.end().catch(() => {}) // closing a connection that already failed
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
      await c.end().catch(() => {}) // closing a connection we no longer need
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
    if (c) await c.end().catch(() => {}) // closing: a dead listener has nothing left to say
  }

  async close(): Promise<void> {
    this.stopPokes()
    await this.unlisten()
    await this.pool.end().catch(() => {}) // closing: an error here leaves nothing to clean up
  }
}
