// Building a demo workspace file from scratch (CLI `demo`, benches, the first start): refuse to overwrite a workspace
// that has data unless forced; build into a temporary file beside it (Workspace: migrations, the store key, 0600),
// generate, and rename it into place only once complete; report sizes.
import { existsSync, renameSync, rmSync, statSync } from 'node:fs'
import { AppError } from '../../shared/api/errors'
import { Workspace } from '../store'
import { generateDemo } from './generate-sqlite'
import type { DemoOptions, DemoProgress, DemoSummary } from './params'

export interface BuildResult extends DemoSummary {
  path: string
  db_mb: number
}

function sidecars(path: string): string[] {
  return [path, `${path}-wal`, `${path}-shm`, `${path}-journal`]
}

/** True when the file exists and holds accounts or lines. */
export function workspaceHasData(path: string): boolean {
  if (!existsSync(path) || statSync(path).size === 0) return false
  const ws = new Workspace({ dbPath: path })
  try {
    const r = ws.db.prepare('SELECT EXISTS (SELECT 1 FROM lines) OR EXISTS (SELECT 1 FROM accounts) AS n').get() as { n: number }
    return r.n === 1
  } finally {
    ws.close()
  }
}

export function fileMb(path: string): number {
  let bytes = 0
  for (const f of sidecars(path)) if (existsSync(f)) bytes += statSync(f).size
  return Math.round((bytes / 1048576) * 10) / 10
}

/** Where a build of the workspace at `path` is written before it is complete. */
export function buildingPath(path: string): string {
  return `${path}.building`
}

/**
 * Writes a complete demo workspace to `buildingPath(path)` (a stale one from a killed build is removed first): data,
 * indexes, meta with the as-of date, WAL checkpointed into the file. The caller renames it into place (issue 11,
 * attack 9: a killed build never leaves a workspace that opens with half its lines).
 */
export async function buildDemoFile(
  path: string,
  opts: DemoOptions & { extraMeta?: Record<string, string> },
  onProgress?: (p: DemoProgress) => void,
): Promise<{ file: string; summary: DemoSummary }> {
  const file = buildingPath(path)
  for (const f of sidecars(file)) rmSync(f, { force: true })
  // a fresh file, checked by the build itself: no quick_check at its open
  const ws = new Workspace({ dbPath: file, integrity: 'off' })
  try {
    const summary = await generateDemo(ws.db, opts, onProgress)
    if (opts.extraMeta) for (const [k, v] of Object.entries(opts.extraMeta)) ws.setMeta(k, v)
    ws.db.pragma('wal_checkpoint(TRUNCATE)')
    ws.close()
    return { file, summary }
  } catch (e) {
    ws.close()
    for (const f of sidecars(file)) rmSync(f, { force: true })
    throw e
  }
}

/**
 * Generates a demo workspace at `path`, built beside it and renamed into place only when complete. With `force`, an
 * existing workspace is replaced (its -wal/-shm and dashboard summaries go with it); without, a workspace that already
 * has data is refused (CONFLICT) and left untouched.
 */
export async function buildDemoWorkspace(
  path: string,
  opts: DemoOptions & { force?: boolean; extraMeta?: Record<string, string> },
  onProgress?: (p: DemoProgress) => void,
): Promise<BuildResult> {
  if (!opts.force && existsSync(path) && statSync(path).size > 0 && workspaceHasData(path)) {
    throw new AppError('CONFLICT', `${path} already holds a workspace with data; pass --force to replace it.`)
  }
  const { file, summary } = await buildDemoFile(path, opts, onProgress)
  // (the dashboard summaries derived from the old data go with it: src/core/reports/dashboards/summaries.ts)
  for (const f of [...sidecars(path).slice(1), ...sidecars(`${path}.dashboards`)]) rmSync(f, { force: true })
  renameSync(file, path)
  return { ...summary, path, db_mb: fileMb(path) }
}
