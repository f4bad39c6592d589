// How the bulk bootstrap writes its rows: plain multi-row INSERTs, prepared once per table and column list. The copy
// writes each table in primary key order into an emptied replica without secondary indexes, so there is nothing to
// upsert and nothing to look up, except the account columns of `lines`, taken from the local `accounts` (copied first).
import type { SnapshotTable, SyncedTable } from '../../../shared/sync/protocol'
import { LINE_ACCOUNT_COLUMNS } from '../../../shared/sync/protocol'
import type { Db } from '../../store'
import { ACCOUNT_COLS, ACCOUNT_VALUES, q, storedColumns, type ColumnInfo } from '../replica'

/** Rows of one table for one bulk transaction, in `columns` order. */
export interface BulkPiece {
  table: SyncedTable
  columns: readonly string[]
  rows: unknown[][]
}

/** rows per multi-row INSERT statement of the bulk path */
const BULK_ROWS_PER_STATEMENT = 64

export class BulkInserter {
  private readonly columns: Map<string, Map<string, ColumnInfo>>
  private readonly inserters = new Map<string, (rows: unknown[][]) => void>()

  constructor(private readonly db: Db) {
    this.columns = storedColumns(db)
  }

  /** The columns of `table` the bulk copy asks for: the server's that this store keeps (lines: not the account ones). */
  columnsOf(table: SnapshotTable): string[] {
    const cols = this.columns.get(table.table)!
    return table.columns.map((c) => c.name).filter((n) => cols.has(n) && !(table.table === 'lines' && n in LINE_ACCOUNT_COLUMNS))
  }

  /** The writer of rows of `table` in `columns` order (in the caller's transaction), its statements prepared once. */
  inserterFor(table: SyncedTable, columns: readonly string[]): (rows: unknown[][]) => void {
    const key = `${table}|${columns.join(',')}`
    const cached = this.inserters.get(key)
    if (cached) return cached
    const n = columns.length
    const k = Math.max(1, Math.min(BULK_ROWS_PER_STATEMENT, Math.floor(30000 / n)))
    const tuple = `(${columns.map(() => '?').join(',')})`
    const sqlFor = (rows: number): string => {
      const values = `VALUES ${Array.from({ length: rows }, () => tuple).join(',')}`
      if (table !== 'lines') return `INSERT INTO ${q(table)} (${columns.map(q).join(',')}) ${values}`
      // lines: the denormalized account columns from the local accounts (copied before lines), one join per statement
      const pos = (c: string) => `v.column${columns.indexOf(c) + 1}`
      return `INSERT INTO lines (${[...columns, ...ACCOUNT_COLS].map(q).join(',')})
        SELECT ${columns.map(pos).join(',')}, ${ACCOUNT_VALUES.join(',')} FROM (${values}) AS v LEFT JOIN accounts AS a ON a.id = ${pos('account_id')}`
    }
    const many = this.db.prepare(sqlFor(k))
    const one = this.db.prepare(sqlFor(1))
    const bufMany: unknown[] = new Array(k * n)
    const bufOne: unknown[] = new Array(n)
    const insert = (rows: unknown[][]): void => {
      let i = 0
      for (; i + k <= rows.length; i += k) {
        let p = 0
        for (let r = i; r < i + k; r++) {
          const row = rows[r]
          for (let c = 0; c < n; c++) bufMany[p++] = row[c]
        }
        many.run(bufMany)
      }
      for (; i < rows.length; i++) {
        const row = rows[i]
        for (let c = 0; c < n; c++) bufOne[c] = row[c]
        one.run(bufOne)
      }
    }
    this.inserters.set(key, insert)
    return insert
  }
}
