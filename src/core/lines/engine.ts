// The grid's query engine over `lines`: exact counts, pages at any offset, and ordered id lists for export.
//
// How a page is found (1,000,000 lines; every sortable column has an index ordered (column, id)):
// - The count is computed once per (filter, data version) and cached; the tie-breaker is always the id.
// - Near the top of a view, the page's ids come straight from the sort column's index (INDEXED BY, so the planner cannot
//   choose "filter index + sort everything" for a 100-row page), with a small OFFSET.
// - Deeper, or when the filter is selective against the sort, the engine materializes the view's ordered id list once
//   (4 bytes a row) and serves every later page, in either direction, by slicing it. The list is built either by walking
//   the sort index (the filter checked per row) or by reading the filter's index and sorting, whichever the cost model
//   says is cheaper. Lists are cached per (filter, sort column, data version) under a memory budget.
// - Rows are then fetched by id (primary-key lookups) in list order.
// A cost model in microseconds (measured on a 1M-line store) picks between the direct query and the list.
import { createHash } from 'node:crypto'
import type Database from 'better-sqlite3'
import type { LineColumn, LinesPage, LinesQueryParsed } from '../../shared/api/lines'
import { AppError } from '../../shared/api/errors'
import type { LineRow } from '../../shared/domain/line'
import type { Workspace } from '../store'
import { COLUMN_SPECS, columnSpec, LINE_ROW_SELECT, sqlOperand, type ColumnSpec } from './columns'
import { compileWhere, type CompiledWhere, type FilterContext } from './filters'

export interface SortKey {
  spec: ColumnSpec
  desc: boolean
}

/** A compiled view: restriction + order, with the cache keys derived from them. */
export interface View {
  where: CompiledWhere
  sort: SortKey[]
  /** identifies the restriction (counts are keyed on it) */
  whereKey: string
  /** identifies the ordered list, direction-free for a single sort column (a desc list is the asc one reversed) */
  listKey: string
  /** the list for listKey is read backwards */
  reversed: boolean
}

// Cost model (µs), measured on a 1M-line store with a warm page cache.
const COST = {
  indexStep: 0.05, // one index entry visited and its filter terms checked
  lookup: 1.2, // one table row fetched to check a filter the index does not cover
  tableStep: 0.15, // one row of a rowid-order table scan
  emit: 0.15, // one id handed to JS
  sort: 0.4, // one row through a temp B-tree
}
/** Memory budget of the cached id lists, in ids (4 bytes each). */
const LIST_BUDGET_IDS = 16_000_000
/** At most this many distinct values are served for a set filter. */
const DISTINCT_CAP = 1000

type IdList = Int32Array | number[]

export class LinesEngine {
  private version = ''
  private readonly counts = new Map<string, number>()
  private readonly lists = new Map<string, IdList>()
  private listIds = 0
  private readonly distincts = new Map<string, string[]>()
  private accountDigitsCached: number | null = null
  private readonly stmts = new Map<string, Database.Statement>()
  private stmtsOf: Database.Database | null = null
  readonly stats = { listBuilds: 0, directPages: 0, listPages: 0, countQueries: 0 }
  /** Knobs (tests force each path): a direct page query is used when it costs less than directBudgetUs. */
  readonly tuning: { directBudgetUs: number; listStrategy: 'auto' | 'walk' | 'gather' | 'bitmap' } = { directBudgetUs: 9000, listStrategy: 'auto' }

  constructor(readonly ws: Workspace) {}

  get db(): Database.Database {
    return this.ws.db
  }

  /** Prepared statements by SQL text (bounded). */
  stmt(sql: string): Database.Statement {
    // the workspace reopened its file (a first-start build put in place): statements of the old connection are dead
    if (this.stmtsOf !== this.db) {
      this.stmts.clear()
      this.stmtsOf = this.db
    }
    let s = this.stmts.get(sql)
    if (!s) {
      s = this.db.prepare(sql)
      if (this.stmts.size >= 300) this.stmts.delete(this.stmts.keys().next().value as string)
      this.stmts.set(sql, s)
    }
    return s
  }

  /**
   * Drops every cache when the data changed: our own writes bump ws.dataVersion, another connection's commits (sync
   * worker, a CLI run) bump SQLite's data_version.
   */
  private checkVersion(): void {
    const v = `${this.ws.dataVersion}:${this.stmt('PRAGMA data_version').pluck().get() as number}`
    if (v === this.version) return
    this.version = v
    this.counts.clear()
    this.lists.clear()
    this.listIds = 0
    this.distincts.clear()
    this.accountDigitsCached = null
  }

  private readonly filterCtx: FilterContext = {
    listValues: (spec) => this.storedValues(spec),
    accountDigits: () => this.accountDigits(),
  }

  accountDigits(): number {
    if (this.accountDigitsCached == null) {
      const row = this.stmt('SELECT id FROM accounts ORDER BY id LIMIT 1').get() as { id: string } | undefined
      const m = row ? /^ACC-(\d+)$/.exec(row.id) : null
      this.accountDigitsCached = m ? m[1].length : 6
    }
    return this.accountDigitsCached
  }

  /** The distinct stored values of a column, by skip-scanning its index (one seek per value). */
  storedValues(spec: ColumnSpec): string[] {
    this.checkVersion()
    const key = `stored:${spec.colId}`
    const hit = this.distincts.get(key)
    if (hit) return hit
    const col = `l.${spec.column}`
    const first = this.stmt(`SELECT ${col} AS v FROM lines l INDEXED BY ${spec.index} WHERE ${col} IS NOT NULL ORDER BY ${col} LIMIT 1`)
    const next = this.stmt(`SELECT ${col} AS v FROM lines l INDEXED BY ${spec.index} WHERE ${col} > ? ORDER BY ${col} LIMIT 1`)
    const out: string[] = []
    let row = first.get() as { v: string | number } | undefined
    while (row) {
      out.push(String(row.v))
      if (out.length > DISTINCT_CAP * 4) throw new AppError('BAD_INPUT', `Column ${spec.colId} has too many distinct values for a set filter`)
      row = next.get(row.v) as { v: string | number } | undefined
    }
    this.distincts.set(key, out)
    return out
  }

  /** Values for a set filter. */
  distinct(colId: LineColumn): string[] {
    const spec = columnSpec(colId)
    if (!spec.distinct) {
      const allowed = [...COLUMN_SPECS.values()].filter((s) => s.distinct).map((s) => s.colId)
      throw new AppError('BAD_INPUT', `Column ${colId} has too many distinct values for a set filter; set filters exist for ${allowed.join(', ')}`)
    }
    const stored = this.storedValues(spec)
    let values: string[]
    if (spec.list) {
      const codes = new Set<string>()
      for (const s of stored) for (const c of s === '' ? [''] : s.split(',')) codes.add(c)
      values = [...codes].sort()
    } else values = stored
    if (values.length > DISTINCT_CAP) throw new AppError('BAD_INPUT', `Column ${colId} has too many distinct values for a set filter (${values.length})`)
    return values
  }

  /** Compiles a query into a view (throws BAD_INPUT for filters that do not fit their column). */
  view(q: Pick<LinesQueryParsed, 'filter' | 'quickSearch' | 'lineIds' | 'sort'>): View {
    this.checkVersion()
    const where = compileWhere(q, this.filterCtx)
    const seen = new Set<string>()
    const sort: SortKey[] = []
    for (const s of q.sort) {
      if (seen.has(s.colId)) continue
      seen.add(s.colId)
      sort.push({ spec: columnSpec(s.colId), desc: s.sort === 'desc' })
    }
    const paramKey = JSON.stringify(where.params)
    const whereKey = `${where.sql}\u0000${paramKey.length > 256 ? createHash('sha1').update(paramKey).digest('hex') : paramKey}`
    let listKey: string
    let reversed = false
    if (sort.length <= 1) {
      listKey = `${whereKey}\u0000${sort[0]?.spec.colId ?? 'id'}`
      reversed = sort[0]?.desc ?? false
    } else listKey = `${whereKey}\u0000${sort.map((s) => `${s.spec.colId}:${s.desc ? 'desc' : 'asc'}`).join(',')}`
    return { where, sort, whereKey, listKey, reversed }
  }

  private total(): number {
    return this.countWhere('1', [], '1\u0000[]')
  }

  private countWhere(sql: string, params: unknown[], key: string): number {
    this.checkVersion()
    const hit = this.counts.get(key)
    if (hit !== undefined) return hit
    this.stats.countQueries++
    const n = (this.stmt(`SELECT count(*) AS n FROM lines l WHERE ${sql}`).get(...params) as { n: number }).n
    this.counts.set(key, n)
    return n
  }

  /** Exact number of rows in the view (cached per restriction and data version). */
  count(v: View): number {
    return v.where.empty ? this.total() : this.countWhere(v.where.sql, v.where.params, v.whereKey)
  }

  private orderBy(v: View, opts: { desc?: boolean; plain?: boolean } = {}): string {
    if (v.sort.length === 0) return `l.id${opts.desc ? ' DESC' : ''}`
    if (v.sort.length === 1) {
      const dir = (opts.desc ?? v.sort[0].desc) ? ' DESC' : ''
      // `+col` keeps the planner from reading the sort index just for its order (the filter's index is cheaper then)
      const spec = v.sort[0].spec
      const key = opts.plain ? `(+l.${spec.column})${spec.nocase ? ' COLLATE NOCASE' : ''}` : `l.${sqlOperand(spec)}`
      return `${key}${dir}, l.id${dir}`
    }
    // the id breaks ties in the direction of the last sort column (so a group's order is a base list, maybe reversed)
    const last = v.sort[v.sort.length - 1].desc ? ' DESC' : ''
    return `${v.sort.map((s) => `l.${sqlOperand(s.spec)}${s.desc ? ' DESC' : ''}`).join(', ')}, l.id${last}`
  }

  /** The index that walks the view in order ('' for rowid order), for single-column views. */
  private orderIndex(v: View): string {
    return v.sort.length === 0 ? 'NOT INDEXED' : `INDEXED BY ${v.sort[0].spec.index}`
  }

  /** Whether the sort index alone can evaluate the restriction (no table lookups while walking it). */
  private covered(v: View): boolean {
    if (v.sort.length === 0) return false
    for (const c of v.where.columns) if (c !== v.sort[0].spec.column) return false
    return true
  }

  /**
   * Estimated µs to read ids [offset, end) straight from the sort index, walking from whichever end of the view is
   * nearer (a page near the bottom is read backwards and reversed).
   */
  private directCost(v: View, offset: number, end: number, count: number, total: number): number {
    const fromNearEnd = Math.min(end, count - offset)
    if (v.sort.length === 0) return ((fromNearEnd * total) / Math.max(count, 1)) * COST.tableStep
    if (v.where.empty) return fromNearEnd * (COST.indexStep / 3)
    // a covered, indexable restriction is a range of the sort index itself: no rows outside it are visited
    if (this.covered(v)) return (v.where.indexable ? fromNearEnd : (fromNearEnd * total) / Math.max(count, 1)) * COST.indexStep
    return ((fromNearEnd * total) / Math.max(count, 1)) * (COST.indexStep + COST.lookup)
  }

  /** min and max id when the ids have no gaps (position k of the id order is then min + k), else null. */
  private denseIds(): { min: number } | null {
    const key = 'dense-ids'
    let hit = this.distincts.get(key)
    if (!hit) {
      const r = this.stmt('SELECT min(id) AS lo, max(id) AS hi FROM lines').get() as { lo: number | null; hi: number | null }
      hit = r.lo != null && r.hi != null && r.hi - r.lo + 1 === this.total() ? [String(r.lo)] : []
      this.distincts.set(key, hit)
    }
    return hit.length ? { min: Number(hit[0]) } : null
  }

  /** The view's ordered ids [offset, offset+limit). */
  pageIds(v: View, offset: number, limit: number): number[] {
    const count = this.count(v)
    const end = Math.min(count, offset + limit)
    if (end <= offset) return []
    if (v.where.empty && v.sort.length === 0) {
      const dense = this.denseIds()
      if (dense) return Array.from({ length: end - offset }, (_, i) => dense.min + offset + i)
    }
    const cached = this.lists.get(v.listKey)
    if (!cached && v.sort.length <= 1) {
      const total = this.total()
      if (this.directCost(v, offset, end, count, total) <= this.tuning.directBudgetUs) {
        this.stats.directPages++
        if (count - offset < end) {
          // nearer the bottom: read the mirror page in the opposite order and reverse it
          const ids = this.stmt(this.directSql(v, true)).pluck().all(...v.where.params, end - offset, count - end) as number[]
          return ids.reverse()
        }
        return this.stmt(this.directSql(v)).pluck().all(...v.where.params, end - offset, offset) as number[]
      }
    }
    const list = cached ?? this.buildList(v, count)
    this.stats.listPages++
    return sliceList(list, offset, end, v.reversed)
  }

  /** Every id of the view in order (for export: a consistent snapshot of the set and its order). */
  allIds(v: View): IdList {
    const count = this.count(v)
    if (count === 0) return []
    const list = this.lists.get(v.listKey) ?? this.buildList(v, count)
    return v.reversed ? sliceList(list, 0, list.length, true) : list
  }

  /** A page of ids read straight from the sort index, in view order or mirrored (params: where…, limit, offset). */
  directSql(v: View, mirrored = false): string {
    const desc = v.sort.length === 0 ? mirrored : v.sort[0].desc !== mirrored
    return `SELECT l.id FROM lines l ${this.orderIndex(v)} WHERE ${v.where.sql} ORDER BY ${this.orderBy(v, { desc })} LIMIT ? OFFSET ?`
  }

  /**
   * How the view's id list is built (single sort column or id order):
   * - walk: the sort index (or the table in id order), checking the restriction per row;
   * - gather: the restriction's own index, then a sort of the matching rows;
   * - bitmap: the unfiltered list of the sort column (cached, shared by every filter) kept where the id matches, the
   *   matching ids read from the restriction's index. No table lookups for a single-column filter, so a large
   *   filtered view re-sorted on another column costs two index scans instead of a lookup per row.
   */
  listStrategy(v: View, count: number): 'walk' | 'gather' | 'bitmap' | 'multi' | 'groups' {
    if (v.sort.length > 1) return v.sort.length === 2 && v.sort[0].spec.distinct && this.tuning.listStrategy === 'auto' ? 'groups' : 'multi'
    if (this.tuning.listStrategy !== 'auto') return v.where.empty ? 'walk' : this.tuning.listStrategy
    if (v.where.empty || this.covered(v)) return 'walk'
    const total = this.total()
    const baseCached = this.lists.has(this.baseKey(v))
    const walk = v.sort.length === 0 ? total * COST.tableStep + count * COST.emit : total * (COST.indexStep + COST.lookup) + count * COST.emit
    const gather = v.where.indexable ? count * (COST.lookup + COST.sort + COST.emit) : Infinity
    const matches = v.where.indexable ? count * (COST.emit + COST.indexStep) : total * COST.tableStep + count * COST.emit
    const bitmap = (baseCached ? 0 : total * (COST.indexStep + COST.emit)) + matches + total * 0.01
    if (bitmap <= walk && bitmap <= gather) return 'bitmap'
    return walk <= gather ? 'walk' : 'gather'
  }

  /** The statement that builds the view's id list (ascending for a single sort column). */
  listSql(v: View, count: number): string {
    const strategy = this.listStrategy(v, count)
    if (strategy === 'multi') return `SELECT l.id FROM lines l WHERE ${v.where.sql} ORDER BY ${this.orderBy(v)}`
    if (strategy === 'groups') return `SELECT l.id FROM lines l WHERE ${v.where.sql}`
    if (strategy === 'bitmap') return `SELECT l.id FROM lines l WHERE ${v.where.sql}`
    return strategy === 'walk' ? this.walkSql(v) : `SELECT l.id FROM lines l WHERE ${v.where.sql} ORDER BY ${this.orderBy(v, { desc: false, plain: true })}`
  }

  private walkSql(v: View): string {
    return `SELECT l.id FROM lines l ${this.orderIndex(v)} WHERE ${v.where.sql} ORDER BY ${this.orderBy(v, { desc: false })}`
  }

  /** The list key of the view's sort without any restriction. */
  private baseKey(v: View, spec: ColumnSpec | undefined = v.sort[0]?.spec): string {
    return `1\u0000[]\u0000${spec?.colId ?? 'id'}`
  }

  /** Every id in the order of a sort column (ascending; the id order without one), unrestricted; cached like any list. */
  private baseList(v: View, spec: ColumnSpec | undefined = v.sort[0]?.spec): IdList {
    const key = this.baseKey(v, spec)
    const hit = this.lists.get(key)
    if (hit) return hit
    const total = this.total()
    const dense = spec ? null : this.denseIds()
    let list: IdList
    if (dense) list = Int32Array.from({ length: total }, (_, i) => dense.min + i)
    else {
      this.stats.listBuilds++
      const sql = spec
        ? `SELECT l.id FROM lines l INDEXED BY ${spec.index} ORDER BY l.${sqlOperand(spec)}, l.id`
        : 'SELECT l.id FROM lines l NOT INDEXED ORDER BY l.id'
      list = toIdList(this.stmt(sql).pluck().all() as number[])
    }
    this.remember(key, list)
    return list
  }

  /**
   * A two-column sort whose first column has few values: each value's rows in the second column's order are the second
   * column's base list kept where the row has that value (and matches), so no sort of the whole view is needed.
   */
  private groupedList(v: View, matching: number[] | null): IdList {
    const [first, second] = v.sort
    const values = this.storedValues(first.spec)
    const groups: number[][] = values.map((value) => this.stmt(`SELECT l.id FROM lines l INDEXED BY ${first.spec.index} WHERE l.${first.spec.column} = ?`).pluck().all(value) as number[])
    let max = 0
    for (const g of groups) for (const id of g) if (id > max) max = id
    const groupOf = new Int32Array(max + 1).fill(-1)
    groups.forEach((g, i) => {
      for (const id of g) groupOf[id] = i
    })
    if (matching) {
      const keep = new Uint8Array(max + 1)
      for (const id of matching) if (id <= max) keep[id] = 1
      for (let id = 0; id <= max; id++) if (!keep[id]) groupOf[id] = -1
    }
    const base = this.baseList(v, second.spec)
    const buckets: number[][] = values.map(() => [])
    const n = base.length
    for (let i = 0; i < n; i++) {
      const id = second.desc ? base[n - 1 - i] : base[i]
      const g = id <= max ? groupOf[id] : -1
      if (g >= 0) buckets[g].push(id)
    }
    if (first.desc) buckets.reverse()
    const out = new Int32Array(buckets.reduce((a, b) => a + b.length, 0))
    let k = 0
    for (const b of buckets) for (const id of b) out[k++] = id
    return out
  }

  /** The SQL of the count. */
  countSql(v: View): string {
    return `SELECT count(*) AS n FROM lines l WHERE ${v.where.sql}`
  }

  private buildList(v: View, count: number): IdList {
    this.stats.listBuilds++
    const strategy = this.listStrategy(v, count)
    if (strategy === 'groups') {
      const matching = v.where.empty ? null : (this.stmt(this.listSql(v, count)).pluck().all(...v.where.params) as number[])
      return this.remember(v.listKey, this.groupedList(v, matching))
    }
    const ids = this.stmt(this.listSql(v, count)).pluck().all(...v.where.params) as number[]
    let list: IdList
    if (strategy === 'bitmap') {
      const base = this.baseList(v)
      let max = 0
      for (const id of ids) if (id > max) max = id
      if (max > 64_000_000) return this.remember(v.listKey, toIdList(this.stmt(this.walkSql(v)).pluck().all(...v.where.params) as number[]))
      const match = new Uint8Array(max + 1)
      for (const id of ids) match[id] = 1
      const out = new Int32Array(ids.length)
      let n = 0
      for (let i = 0; i < base.length; i++) {
        const id = base[i]
        if (id <= max && match[id] === 1) out[n++] = id
      }
      list = out.subarray(0, n)
    } else list = toIdList(ids)
    this.remember(v.listKey, list)
    return list
  }

  private remember(key: string, list: IdList): IdList {
    if (list.length > LIST_BUDGET_IDS) return list
    while (this.listIds + list.length > LIST_BUDGET_IDS && this.lists.size > 0) {
      const [oldest, l] = this.lists.entries().next().value as [string, IdList]
      this.lists.delete(oldest)
      this.listIds -= l.length
    }
    this.lists.set(key, list)
    this.listIds += list.length
    return list
  }

  /** Rows by id, in the given order. */
  rowsByIds(ids: ArrayLike<number>): LineRow[] {
    if (ids.length === 0) return []
    return this.stmt(rowsByIdsSql).all(JSON.stringify(Array.from(ids))) as LineRow[]
  }

  /** Iterates rows by id in the given order (better-sqlite3 iterate: one row at a time), with each row's index in `ids`. */
  iterateRowsByIds(ids: ArrayLike<number>): IterableIterator<LineRow & { pos: number }> {
    return this.stmt(rowsByIdsPosSql).iterate(JSON.stringify(Array.from(ids))) as IterableIterator<LineRow & { pos: number }>
  }

  /** One grid page. */
  page(q: LinesQueryParsed): LinesPage {
    const v = this.view(q)
    const rowCount = this.count(v)
    const limit = Math.max(0, q.endRow - q.startRow)
    const ids = this.pageIds(v, q.startRow, limit)
    return { rows: this.rowsByIds(ids), rowCount }
  }
}

// json_each drives the join (CROSS JOIN fixes the loop order), so rows come back in the order of the id list
const rowsByIdsSql = `SELECT ${LINE_ROW_SELECT} FROM json_each(?) AS j CROSS JOIN lines AS l ON l.id = j.value ORDER BY j.key`
const rowsByIdsPosSql = `SELECT j.key AS pos, ${LINE_ROW_SELECT} FROM json_each(?) AS j CROSS JOIN lines AS l ON l.id = j.value ORDER BY j.key`

function toIdList(ids: number[]): IdList {
  for (const id of ids) if (id > 0x7fffffff || id < -0x80000000) return ids
  return Int32Array.from(ids)
}

function sliceList(list: IdList, start: number, end: number, reversed: boolean): number[] {
  const out: number[] = []
  const n = list.length
  end = Math.min(end, n)
  for (let i = start; i < end; i++) out.push(reversed ? list[n - 1 - i] : list[i])
  return out
}

const engines = new WeakMap<Workspace, LinesEngine>()

/** The workspace's engine (one per workspace, so its caches are shared by every caller). */
export function linesEngine(ws: Workspace): LinesEngine {
  let e = engines.get(ws)
  if (!e) {
    e = new LinesEngine(ws)
    engines.set(ws, e)
  }
  return e
}
