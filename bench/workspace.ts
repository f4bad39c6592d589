// The shared benchmark workspaces: `ensureBenchWorkspace()` builds (or reuses) bench-data/demo-<lines>-<months>mo.sqlite,
// e.g. bench-data/demo-1m-3mo.sqlite for the default 1,000,000 lines × 3 months. Reused only when its meta matches
// (lines, months, seed, as-of and the generator version); the build time is kept in meta('generate_s') so a reused
// workspace still reports it. Concurrent callers (several benches at once) wait on a lock file; the file is built
// under a temporary name and renamed, so nobody ever opens a half-built workspace.
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { openSqlite } from '../src/core/store'
import { buildDemoWorkspace } from '../src/core/demo/build'
import { DEMO_GENERATOR_VERSION, type DemoProgress } from '../src/core/demo/params'

export const BENCH_AS_OF = '2026-11-15'

export interface BenchWorkspaceOptions {
  lines?: number
  months?: number
  seed?: number
  asOf?: string
  /** directory, default <repo>/bench-data */
  dir?: string
  /** progress on stderr (default true) */
  verbose?: boolean
}

export interface BenchWorkspace {
  path: string
  generate_s: number
  reused: boolean
  db_mb: number
}

function compact(n: number): string {
  if (n % 1_000_000 === 0) return `${n / 1_000_000}m`
  if (n % 1000 === 0) return `${n / 1000}k`
  return String(n)
}

export function benchWorkspacePath(lines: number, months: number, dir?: string): string {
  // BENCH_DATA_DIR: build and use the bench workspaces elsewhere (e.g. /tmp, to measure a generator change without
  // touching the shared bench-data files)
  const root = dir ?? process.env.BENCH_DATA_DIR ?? resolve(dirname(fileURLToPath(import.meta.url)), '..', 'bench-data')
  return join(root, `demo-${compact(lines)}-${months}mo.sqlite`)
}

function readMeta(path: string): Record<string, string> | null {
  if (!existsSync(path)) return null
  try {
    const db = openSqlite(path, { readonly: true })
    try {
      const rows = db.prepare('SELECT key, value FROM meta').all() as Array<{ key: string; value: string }>
      return Object.fromEntries(rows.map((r) => [r.key, r.value]))
    } finally {
      db.close()
    }
  } catch {
    return null
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

async function withLock<T>(lockPath: string, fn: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      const fd = openSync(lockPath, 'wx')
      writeSync(fd, String(process.pid))
      closeSync(fd)
      break
    } catch {
      let holder: number
      try {
        holder = Number(readFileSync(lockPath, 'utf8'))
      } catch {
        continue
      }
      if (holder && !pidAlive(holder)) {
        rmSync(lockPath, { force: true })
        continue
      }
      await new Promise((r) => setTimeout(r, 500))
    }
  }
  try {
    return await fn()
  } finally {
    rmSync(lockPath, { force: true })
  }
}

export async function ensureBenchWorkspace(opts: BenchWorkspaceOptions = {}): Promise<BenchWorkspace> {
  const lines = opts.lines ?? 1_000_000
  const months = opts.months ?? 3
  const seed = opts.seed ?? 1
  const asOf = opts.asOf ?? BENCH_AS_OF
  const path = benchWorkspacePath(lines, months, opts.dir)
  const verbose = opts.verbose ?? true
  const matches = (m: Record<string, string> | null) =>
    m !== null &&
    m.demo_lines === String(lines) &&
    m.demo_months === String(months) &&
    m.seed === String(seed) &&
    m.as_of === asOf &&
    m.demo_generator_version === DEMO_GENERATOR_VERSION &&
    m.generate_s !== undefined
  const reuse = (m: Record<string, string>): BenchWorkspace => ({ path, generate_s: Number(m.generate_s), reused: true, db_mb: Math.round((statSync(path).size / 1048576) * 10) / 10 })

  const m0 = readMeta(path)
  if (matches(m0)) return reuse(m0!)
  mkdirSync(dirname(path), { recursive: true })
  return withLock(`${path}.lock`, async () => {
    const m1 = readMeta(path) // somebody else may have built it while we waited
    if (matches(m1)) return reuse(m1!)
    const tmp = `${path}.building-${process.pid}`
    for (const f of [tmp, `${tmp}-wal`, `${tmp}-shm`]) rmSync(f, { force: true })
    let last = ''
    const progress = (p: DemoProgress) => {
      if (!verbose) return
      const line = `bench workspace ${compact(lines)}×${months}mo: ${p.phase} ${p.total ? Math.floor((100 * p.done) / p.total) : 0}%`
      if (line !== last && (p.phase !== 'generate' || p.done % 100_000 < 5000 || p.done === p.total)) process.stderr.write(`${line}\n`)
      last = line
    }
    const t0 = performance.now()
    const r = await buildDemoWorkspace(tmp, { lines, months, seed, asOf, force: true, workers: lines >= 50_000 ? Math.min(4, availableParallelism()) : 1 }, progress)
    const generate_s = Math.round((performance.now() - t0) / 10) / 100
    const db = openSqlite(tmp)
    db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('generate_s', ?)").run(String(generate_s))
    db.pragma('wal_checkpoint(TRUNCATE)')
    db.close()
    for (const f of [path, `${path}-wal`, `${path}-shm`, `${path}.dashboards`, `${path}.dashboards-wal`, `${path}.dashboards-shm`]) rmSync(f, { force: true })
    renameSync(tmp, path)
    for (const f of [`${tmp}-wal`, `${tmp}-shm`]) rmSync(f, { force: true })
    return { path, generate_s, reused: false, db_mb: r.db_mb }
  })
}

/** `npm run -s bench -- workspace [--lines N] [--months M] [--seed S] --json`: build or reuse a bench workspace. */
export async function run(args: { flags: Record<string, string | boolean> }): Promise<Record<string, unknown>> {
  const num = (k: string, d: number) => (typeof args.flags[k] === 'string' ? Number(args.flags[k]) : d)
  const r = await ensureBenchWorkspace({ lines: num('lines', 1_000_000), months: num('months', 3), seed: num('seed', 1) })
  return { ...r }
}
