// Building a demo workspace file from scratch (CLI `demo`, benches, the first start): refuse to overwrite a workspace
// that has data unless forced, open it through Workspace (migrations), generate, report sizes.
import { existsSync, rmSync, statSync } from 'node:fs'
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

/**
 * Generates a demo workspace at `path`. With `force`, an existing file (and its -wal/-shm) is deleted first; without,
 * a workspace that already has data is refused (CONFLICT) and left untouched.
 */
export async function buildDemoWorkspace(
  path: string,
  opts: DemoOptions & { force?: boolean; extraMeta?: Record<string, string> },
  onProgress?: (p: DemoProgress) => void,
): Promise<BuildResult> {
  if (existsSync(path) && statSync(path).size > 0) {
    // (the dashboard summaries derived from the old data go with it: src/core/reports/dashboards/summaries.ts)
    if (opts.force) for (const f of [...sidecars(path), ...sidecars(`${path}.dashboards`)]) rmSync(f, { force: true })
    else if (workspaceHasData(path)) {
      throw new AppError('CONFLICT', `${path} already holds a workspace with data; pass --force to replace it.`)
    }
  }
  const ws = new Workspace({ dbPath: path })
  try {
    const summary = await generateDemo(ws.db, opts, onProgress)
    if (opts.extraMeta) for (const [k, v] of Object.entries(opts.extraMeta)) ws.setMeta(k, v)
    ws.db.pragma('wal_checkpoint(TRUNCATE)')
    return { ...summary, path, db_mb: fileMb(path) }
  } finally {
    ws.close()
  }
}
