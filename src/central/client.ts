// A tiny SQL client interface over node-postgres and PGlite, so the central migrations, the demo fill, the ledger
// verifier and the tests run the same code against a real PostgreSQL and against the in-process PGlite sandbox.
//
// Type notes: both return jsonb parsed and text as string. bigint (int8) comes back as a string from pg and as a number
// from PGlite; bytea as Buffer (pg) or Uint8Array (PGlite). Cast in SQL (::int, ::text) where the type matters.
import type { PGlite, Transaction } from '@electric-sql/pglite'
import type pg from 'pg'

export interface SqlResult<R = Record<string, unknown>> {
  rows: R[]
}

export interface SqlClient {
  /** One statement, with $1… parameters. */
  query<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<SqlResult<R>>
  /** Any number of statements, no parameters (simple protocol). */
  exec(sql: string): Promise<void>
  /** Runs fn inside BEGIN … COMMIT on one connection (ROLLBACK when fn throws). */
  transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T>
  /** 'pg' or 'pglite' */
  readonly kind: 'pg' | 'pglite'
}

type PgQueryable = pg.Client | pg.PoolClient

/** Wraps one node-postgres connection (a Client or a checked-out PoolClient). */
export function fromPgClient(conn: PgQueryable): SqlClient {
  const self: SqlClient = {
    kind: 'pg',
    async query<R>(sql: string, params?: unknown[]) {
      const r = await conn.query(sql, params as unknown[] | undefined)
      return { rows: r.rows as R[] }
    },
    async exec(sql: string) {
      await conn.query(sql)
    },
    async transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T> {
      await conn.query('BEGIN')
      try {
        const out = await fn(self)
        await conn.query('COMMIT')
        return out
      } catch (e) {
        await conn.query('ROLLBACK').catch(() => undefined) // the transaction's error is rethrown; a failed ROLLBACK means the connection is gone
        throw e
      }
    },
  }
  return self
}

/** Wraps a node-postgres Pool: each query on any connection; a transaction checks one connection out for its duration. */
export function fromPgPool(pool: pg.Pool): SqlClient {
  return {
    kind: 'pg',
    async query<R>(sql: string, params?: unknown[]) {
      const r = await pool.query(sql, params as unknown[] | undefined)
      return { rows: r.rows as R[] }
    },
    async exec(sql: string) {
      await pool.query(sql)
    },
    async transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T> {
      const conn = await pool.connect()
      try {
        return await fromPgClient(conn).transaction(fn)
      } finally {
        conn.release()
      }
    },
  }
}

function fromPgliteTx(tx: Transaction): SqlClient {
  const self: SqlClient = {
    kind: 'pglite',
    async query<R>(sql: string, params?: unknown[]) {
      const r = await tx.query<R>(sql, params as unknown[] | undefined)
      return { rows: r.rows }
    },
    async exec(sql: string) {
      await tx.exec(sql)
    },
    // already inside one: a nested call simply runs in it
    async transaction<T>(fn: (t: SqlClient) => Promise<T>): Promise<T> {
      return fn(self)
    },
  }
  return self
}

/** Wraps a PGlite instance (single connection, in process). */
export function fromPglite(db: PGlite): SqlClient {
  return {
    kind: 'pglite',
    async query<R>(sql: string, params?: unknown[]) {
      const r = await db.query<R>(sql, params as unknown[] | undefined)
      return { rows: r.rows }
    },
    async exec(sql: string) {
      await db.exec(sql)
    },
    async transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T> {
      return db.transaction((tx) => fn(fromPgliteTx(tx)))
    },
  }
}

/** int8 / numeric from either driver as a JS number (safe below 2^53). */
export function num(v: unknown): number {
  if (typeof v === 'number') return v
  if (typeof v === 'bigint') return Number(v)
  if (typeof v === 'string') return Number(v)
  throw new Error(`expected a number, got ${typeof v}`)
}
