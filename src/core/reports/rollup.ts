// Aggregate awareness for the builder: a dataset may declare a rollup — the base query pre-aggregated over a fixed set
// of low-cardinality dimensions, with count, sum, min and max of its measures — kept as a TEMP table on the workspace
// connection and rebuilt whenever the data version changes. A report whose dimensions, filters and measures all fit
// the rollup is answered from it (same results: sums of sums, min of mins, avg = Σ/Σn); anything else (distinct
// counts, other fields, date filters) runs on the base tables. The SQL shown says which one ran.
import { performance } from 'node:perf_hooks'
import type { CompiledReport, ReportColumn, ReportSpec, TimeGrain } from '../../shared/api/reports'
import type { Workspace } from '../store'
import type { DatasetDef, FieldDef, RollupDef } from './datasets'
import { filterSql } from './compile'

const quote = (alias: string) => `"${alias}"`

/** Compiles the report against the rollup, or returns null when the rollup cannot answer it exactly. */
export function compileOnRollup(spec: ReportSpec, ds: DatasetDef, rollup: RollupDef, base: CompiledReport, asOf: string | null): CompiledReport | null {
  const dimOf = (field: string, grain?: TimeGrain) => rollup.dims.find((d) => d.field === field && d.grain === grain)
  const select: string[] = []
  for (const d of spec.dimensions) {
    const r = dimOf(d.field, d.grain)
    if (!r) return null
    select.push(r.col)
  }
  for (const m of spec.measures) {
    if (m.agg === 'count') {
      if (m.field && !rollup.measures.some((x) => x.field === m.field) && !dimOf(m.field)) return null
      select.push('sum(n)')
      continue
    }
    const r = rollup.measures.find((x) => x.field === m.field)
    if (!r) return null
    if (m.agg === 'sum') select.push(`sum(${r.col}_sum)`)
    else if (m.agg === 'min') select.push(`min(${r.col}_min)`)
    else if (m.agg === 'max') select.push(`max(${r.col}_max)`)
    else if (m.agg === 'avg') select.push(`round(sum(${r.col}_sum) * 1.0 / sum(n), 2)`)
    else return null
  }
  const params: Array<string | number> = []
  const where: string[] = []
  for (const flt of spec.filters) {
    const r = dimOf(flt.field)
    const f = ds.fields.find((x) => x.name === flt.field)
    if (!r || !f || f.type === 'date') return null
    where.push(filterSql({ ...f, sql: r.col } as FieldDef, flt, params, { asOf }))
  }
  const columns: ReportColumn[] = base.columns
  const parts = [`SELECT ${select.map((s, i) => `${s} AS ${quote(columns[i].key)}`).join(', ')}`, `FROM ${rollup.table}`]
  if (where.length) parts.push(`WHERE ${where.join(' AND ')}`)
  const dims = spec.dimensions.length
  if (dims > 0) parts.push(`GROUP BY ${Array.from({ length: dims }, (_, i) => i + 1).join(', ')}`)
  const order = /\nORDER BY (.*)\n/.exec(base.sql)?.[1]
  if (order) parts.push(`ORDER BY ${order}`)
  parts.push('LIMIT ?')
  params.push(spec.limit)
  return { sql: parts.join('\n'), params, columns, via: `${rollup.table}, pre-aggregated from: ${rollup.build.replace(/\s+/g, ' ')}` }
}

const built = new WeakMap<Workspace, Map<string, { version: number; ms: number }>>()

/** Creates or refreshes the rollup for the workspace's current data version; returns the build time (0 if fresh). */
export function ensureRollup(ws: Workspace, rollup: RollupDef): number {
  let m = built.get(ws)
  if (!m) {
    m = new Map()
    built.set(ws, m)
  }
  const hit = m.get(rollup.table)
  if (hit && hit.version === ws.dataVersion) return 0
  const t0 = performance.now()
  const name = rollup.table.replace(/^temp\./, '')
  ws.db.exec(`DROP TABLE IF EXISTS ${rollup.table}`)
  ws.db.exec(`CREATE TEMP TABLE ${name} AS ${rollup.build}`)
  const ms = performance.now() - t0
  m.set(rollup.table, { version: ws.dataVersion, ms })
  return ms
}

export function dropRollups(ws: Workspace): void {
  built.delete(ws)
}
