// Running a report: resolve a saved name or a spec, compile through the whitelist, execute on the workspace
// connection, and hand back rows together with the SQL and parameters that produced them.
import { performance } from 'node:perf_hooks'
import { AppError } from '../../shared/api/errors'
import { reportSpec, type Cell, type ReportResult, type ReportSpec, type ReportSpecInput } from '../../shared/api/reports'
import type { Workspace } from '../store'
import { compileReport } from './compile'
import { datasetDef } from './datasets'
import { compileOnRollup, ensureRollup } from './rollup'
import { getSaved } from './saved'

export type ReportSource = { spec: ReportSpecInput } | { name: string }

export interface ResolvedReport {
  spec: ReportSpec
  title: string
}

/** A saved report name, a spec object, or (CLI) a JSON text of either. */
export function resolveReport(ws: Workspace, ref: ReportSource | string): ResolvedReport {
  if (typeof ref === 'string') {
    const t = ref.trim()
    if (t.startsWith('{')) {
      let parsed: unknown
      try {
        parsed = JSON.parse(t)
      } catch (e) {
        throw new AppError('BAD_INPUT', `the report spec is not valid JSON: ${(e as Error).message}`)
      }
      return resolveReport(ws, { spec: parsed as ReportSpecInput })
    }
    return resolveReport(ws, { name: t })
  }
  if ('name' in ref) {
    const saved = getSaved(ws, ref.name)
    return { spec: saved.spec, title: saved.spec.title ?? saved.name }
  }
  const parsed = reportSpec.safeParse(ref.spec)
  if (!parsed.success) {
    throw new AppError('BAD_INPUT', `invalid report spec: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`)
  }
  return { spec: parsed.data, title: parsed.data.title ?? `${parsed.data.dataset} report` }
}

export function toCell(v: unknown): Cell {
  if (v === null || v === undefined) return null
  if (typeof v === 'number' || typeof v === 'string') return v
  if (typeof v === 'bigint') return Number(v)
  if (Buffer.isBuffer(v)) return `x'${v.subarray(0, 64).toString('hex')}${v.length > 64 ? '…' : ''}' (${v.length} bytes)`
  return String(v)
}

export interface RunOptions {
  /** answer from a rollup when one covers the report (default true) */
  rollups?: boolean
}

export function runSpec(ws: Workspace, spec: ReportSpec, title?: string, opts: RunOptions = {}): ReportResult {
  const asOf = ws.meta('as_of')
  const base = compileReport(spec, { asOf })
  const ds = datasetDef(spec.dataset)
  const onRollup = opts.rollups !== false && ds.rollup ? compileOnRollup(spec, ds, ds.rollup, base, asOf) : null
  if (onRollup && ds.rollup) ensureRollup(ws, ds.rollup)
  const compiled = onRollup ?? base
  const t0 = performance.now()
  let raw: Array<Record<string, unknown>>
  try {
    raw = ws.db.prepare(compiled.sql).all(...compiled.params) as Array<Record<string, unknown>>
  } catch (e) {
    throw new AppError('INTERNAL', `the report query failed: ${(e as Error).message}`, { sql: compiled.sql })
  }
  const elapsedMs = performance.now() - t0
  const rows = raw.map((r) => {
    const o: Record<string, Cell> = {}
    for (const c of compiled.columns) o[c.key] = toCell(r[c.key])
    return o
  })
  return { ...compiled, title: title ?? spec.title ?? `${spec.dataset} report`, chart: spec.chart, rows, elapsedMs, asOf }
}

export function runReport(ws: Workspace, ref: ReportSource | string): ReportResult {
  const { spec, title } = resolveReport(ws, ref)
  return runSpec(ws, spec, title)
}
