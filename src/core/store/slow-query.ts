// The slow-query log (after Signal's sql/main): every statement run on the workstation store that takes longer than
// the threshold (50 ms) is logged at warn with its text and duration, whichever domain prepared it (drizzle included),
// because prepare() itself is wrapped. Lazy `iterate()` is left alone: its time is spent by whoever consumes the rows
// (a CSV export streaming to disk), not by SQLite.
import type { Db } from './open'
import type { Logger } from '../log'

export const SLOW_QUERY_MS = 50
const MAX_SQL_CHARS = 500

export interface SlowQueryOptions {
  log: () => Logger
  thresholdMs?: number
  /** milliseconds, monotonic; injected by tests */
  now?: () => number
}

type Timed = 'run' | 'get' | 'all'

export function watchSlowQueries(db: Db, opts: SlowQueryOptions): void {
  const threshold = opts.thresholdMs ?? SLOW_QUERY_MS
  const now = opts.now ?? (() => performance.now())
  const report = (sql: string, ms: number): void => {
    if (ms <= threshold) return
    const text = sql.length > MAX_SQL_CHARS ? `${sql.slice(0, MAX_SQL_CHARS)}…` : sql
    opts.log().warn({ sql: text, ms: Math.round(ms) }, 'slow query')
  }
  const timed = <A extends unknown[], R>(sql: string, fn: (...a: A) => R, self: unknown) =>
    function (...args: A): R {
      const t0 = now()
      try {
        return fn.apply(self, args)
      } finally {
        report(sql, now() - t0)
      }
    }
  const prepare = db.prepare.bind(db)
  db.prepare = ((source: string) => {
    const stmt = prepare(source)
    for (const m of ['run', 'get', 'all'] as Timed[]) {
      const fn = stmt[m] as (...a: unknown[]) => unknown
      ;(stmt as unknown as Record<Timed, unknown>)[m] = timed(source, fn, stmt)
    }
    return stmt
  }) as Db['prepare']
  const exec = db.exec.bind(db)
  db.exec = ((source: string) => timed(source, exec, db)(source)) as Db['exec']
}
