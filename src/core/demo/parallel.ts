// Parallel demo generation: the account plan is split into shards by line count; the main thread generates the first
// shard while worker threads generate the others into temporary SQLite files. Ids and row contents do not depend on
// the number of shards (every account has its own PRNG stream, MSISDNs derive from line ids), so the result is the
// same as a single-threaded run.
//
// Index builds are what cost most, and a file has one writer at a time, so they are split by table between two
// threads and two files: every shard writes its accounts and lines into a scratch file of their own; the first worker
// gathers them all into its file and builds their (many) indexes there, while the main thread merges the other tables
// of the worker shards into the workspace (with their ids shifted) and builds theirs. Then the main thread copies the
// indexed accounts and lines into the workspace with `INSERT INTO t SELECT * FROM other.t`, which SQLite runs as a raw
// copy of the rows and of every index's entries in order (its transfer optimisation: empty target, same columns and
// indexes, no triggers) — several times cheaper than building those indexes.
import { mkdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Worker } from 'node:worker_threads'
import { findEntry, startWorkerEntry, type ResolvedEntry } from '../runtime'
import { attachStore, openScratchStore } from '../store'
import type { Db } from '../store'
import type { IdCounters } from './context'
import { catalogRows, generateShard, metaRows, phasesOf, type ShardSpec } from './generate'
import { planAccounts, resolveParams, type DemoOptions, type DemoProgress, type DemoSummary } from './params'
import { DEMO_TABLES, type DemoTable } from './sink'
import { SqliteDemoSink } from './sqlite-sink'

function workerScript(): ResolvedEntry | null {
  return findEntry('demo-shard-worker')
}

export function parallelAvailable(): boolean {
  return workerScript() !== null
}

interface WorkerDone {
  rows: Record<DemoTable, number>
  ids: IdCounters
}

/** The tables every shard keeps in a file of their own, indexed by the first worker (see the top of this file). */
export const LINE_TABLES: DemoTable[] = ['accounts', 'lines']

/** Offsets applied to a shard's columns when merging. */
const SHIFT: Partial<Record<DemoTable, Record<string, keyof IdCounters>>> = {
  invoices: { id: 'invoice' },
  invoice_items: { id: 'item', invoice_id: 'invoice' },
  payments: { id: 'payment', invoice_id: 'invoice' },
  care_interactions: { id: 'care' },
  line_events: { id: 'event' },
}
const SHARD_TABLES: DemoTable[] = ['accounts', 'lines', 'usage_cycles', 'usage_daily', 'invoices', 'invoice_items', 'payments', 'care_interactions', 'line_events']
const OTHER_TABLES = SHARD_TABLES.filter((t) => !LINE_TABLES.includes(t))

/** Input of shard-worker.ts. */
export interface WorkerInput {
  params: ResolvedParams
  shard: ShardSpec
  /** scratch file for the shard's other tables */
  path: string
  /** scratch file for the shard's accounts and lines */
  linesPath: string
  /** CREATE TABLE statements of the shard tables */
  ddl: string[]
  /** the first worker: CREATE INDEX statements of accounts and lines, built once the other shards' rows are in */
  lineIndexes: string[] | null
}
type ResolvedParams = ReturnType<typeof resolveParams>

/**
 * CPU time of the calling thread in ms (Linux: /proc/thread-self/stat, in USER_HZ = 100 ticks; NaN elsewhere). Reported
 * next to the phases' wall time: on a shared machine, wall time alone says little.
 */
export function threadCpuMs(): number {
  try {
    const stat = readFileSync('/proc/thread-self/stat', 'utf8')
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return (Number(f[11]) + Number(f[12])) * 10
  } catch {
    // no /proc (macOS, Windows): the thread's CPU time is unknown
    return NaN
  }
}

/** The table a CREATE TABLE statement creates. */
export function tableOf(ddl: string): string {
  return /^CREATE TABLE [`"]?(\w+)/i.exec(ddl)?.[1] ?? ''
}

/** Opens a scratch file for a bulk load: the given tables (no indexes), no journal, no fsync. */
export function openScratch(path: string, ddl: readonly string[], tables: readonly string[]): Db {
  return openScratchStore(path, ddl.filter((s) => tables.includes(tableOf(s))))
}

class ShardWorker {
  readonly generated: Promise<WorkerDone>
  readonly finished: Promise<Record<string, number>>
  private readonly w: Worker

  constructor(script: ResolvedEntry, input: WorkerInput, onLines: (n: number) => void) {
    this.w = startWorkerEntry(script, input, { maxYoungGenerationSizeMb: 64 })
    let gen!: { ok: (d: WorkerDone) => void; fail: (e: unknown) => void }
    let fin!: { ok: (t: Record<string, number>) => void; fail: (e: unknown) => void }
    this.generated = new Promise((ok, fail) => (gen = { ok, fail }))
    this.finished = new Promise((ok, fail) => (fin = { ok, fail }))
    // keep rejections from going unhandled while the main thread is busy
    this.generated.catch(() => undefined)
    this.finished.catch(() => undefined)
    const failAll = (e: unknown) => {
      gen.fail(e)
      fin.fail(e)
    }
    this.w.on('message', (m: { type: string; lines?: number; rows?: WorkerDone['rows']; ids?: IdCounters; timings?: Record<string, number>; message?: string }) => {
      if (m.type === 'progress') onLines(m.lines!)
      else if (m.type === 'generated') gen.ok({ rows: m.rows!, ids: m.ids! })
      else if (m.type === 'done') fin.ok(m.timings ?? {})
      else if (m.type === 'error') failAll(new Error(`demo shard worker failed: ${m.message}`))
    })
    this.w.on('error', failAll)
    this.w.on('exit', (code) => failAll(new Error(`demo shard worker exited with code ${code}`)))
  }

  /** Hands the first worker the scratch files of the other shards' accounts and lines. */
  gather(paths: string[]): void {
    this.w.postMessage({ type: 'gather', paths })
  }

  terminate(): void {
    void this.w.terminate()
  }
}

/** The accounts split by lines: the main shard first (`share` of the lines), then equal worker shards. */
function splitShards(plan: Int32Array, workers: number, share: number, N: number): ShardSpec[] {
  const bounds: number[] = [0]
  {
    let acc = 0
    let k = 1
    const targets = [share * N]
    for (let i = 1; i < workers; i++) targets.push(share * N + ((1 - share) * N * i) / (workers - 1))
    for (let i = 0; i < plan.length && k < workers; i++) {
      acc += plan[i]
      if (acc >= targets[k - 1]) {
        bounds.push(i + 1)
        k++
      }
    }
    while (bounds.length < workers) bounds.push(plan.length)
    bounds.push(plan.length)
  }
  const shards: ShardSpec[] = []
  let firstLine = 1
  for (let i = 0; i < workers; i++) {
    shards.push({ fromAccount: bounds[i], toAccount: bounds[i + 1], firstLineId: firstLine })
    for (let a = bounds[i]; a < bounds[i + 1]; a++) firstLine += plan[a]
  }
  return shards
}

/**
 * Like generateDemo (empty store required, checked by the caller) with `workers` threads in total (main included).
 * `mainShare` is the share of lines the main thread generates itself.
 */
export async function generateDemoParallel(db: Db, opts: DemoOptions, workers: number, onProgress?: (p: DemoProgress) => void, mainShare?: number): Promise<DemoSummary> {
  const script = workerScript()
  if (!script) throw new Error('parallel demo generation needs its worker entry (demo-shard-worker not found)')
  const t0 = performance.now()
  const c0 = threadCpuMs()
  const p = resolveParams(opts)
  const plan = planAccounts(p)
  const shards = splitShards(plan, workers, mainShare ?? 1 / workers, p.N)
  const ddl = (db.prepare(`SELECT sql FROM sqlite_master WHERE type = 'table' AND name IN (${SHARD_TABLES.map(() => '?').join(',')})`).all(...SHARD_TABLES) as Array<{ sql: string }>).map((r) => r.sql)
  const lineIndexes = (
    db.prepare(`SELECT sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN (${LINE_TABLES.map(() => '?').join(',')}) ORDER BY tbl_name, name`).all(...LINE_TABLES) as Array<{ sql: string }>
  ).map((r) => r.sql)
  const dir = join(tmpdir(), `wingtel-demo-${process.pid}-${Date.now()}`)
  const paths = shards.map((_, i) => join(dir, `shard-${i}.sqlite`))
  const linePaths = shards.map((_, i) => join(dir, `lines-${i}.sqlite`))
  const done = new Array<number>(workers).fill(0)
  const report = () => onProgress?.({ phase: 'generate', done: done.reduce((x, y) => x + y, 0), total: p.N })
  mkdirSync(dir, { recursive: true })

  const mainLines = openScratch(linePaths[0], ddl, LINE_TABLES)
  const route = Object.fromEntries(LINE_TABLES.map((t) => [t, mainLines]))
  const sink = new SqliteDemoSink(db, { onIndex: (d, total) => onProgress?.({ phase: 'index', done: d, total }), route })
  const pool: ShardWorker[] = []
  let mainLinesOpen = true
  try {
    for (let i = 1; i < workers; i++) {
      const input: WorkerInput = { params: p, shard: shards[i], path: paths[i], linesPath: linePaths[i], ddl, lineIndexes: i === 1 ? lineIndexes : null }
      pool.push(
        new ShardWorker(script, input, (n) => {
          done[i] = n
          report()
        }),
      )
    }
    sink.begin()
    const cat = catalogRows()
    sink.plans(cat.plans)
    sink.addons(cat.addons)
    report()
    const main = await generateShard(sink, p, shards[0], (n) => {
      done[0] = n
      report()
    })
    sink.commit()
    mainLines.close()
    mainLinesOpen = false
    const rows = { ...main.rows }
    const mainDoneAt = performance.now()
    const c1 = threadCpuMs()
    const results = await Promise.all(pool.map((w) => w.generated))
    const generatedAt = performance.now()
    // the first worker gathers every shard's accounts and lines and indexes them while this thread does the rest
    pool[0].gather(linePaths.filter((_, i) => i !== 1))
    let mergeMs = 0
    const offset: IdCounters = { ...main.ids }
    for (let i = 1; i < workers; i++) {
      const r = results[i - 1]
      onProgress?.({ phase: 'merge', done: i - 1, total: workers - 1 })
      const tm = performance.now()
      mergeShard(db, paths[i], offset, OTHER_TABLES)
      mergeMs += performance.now() - tm
      for (const t of SHARD_TABLES) rows[t] += r.rows[t]
      for (const k of Object.keys(offset) as Array<keyof IdCounters>) offset[k] += r.ids[k]
      rmSync(paths[i], { force: true })
    }
    const meta = metaRows(p)
    sink.meta(meta)
    onProgress?.({ phase: 'finish', done: 0, total: 1 })
    const c2 = threadCpuMs()
    sink.buildIndexes(OTHER_TABLES)
    // the (still empty) accounts and lines get their indexes, so that the copy below carries the worker's over
    sink.buildIndexes(LINE_TABLES)
    const c3 = threadCpuMs()
    const tw = performance.now()
    const lineTimings = await pool[0].finished
    const tx = performance.now()
    copyTables(db, linePaths[1], LINE_TABLES)
    const copyMs = performance.now() - tx
    const c4 = threadCpuMs()
    sink.finish()
    rows.plans = cat.plans.length
    rows.addons = cat.addons.length
    rows.meta = meta.length
    onProgress?.({ phase: 'done', done: 1, total: 1 })
    const phases = phasesOf({
      main_shard_ms: mainDoneAt - t0,
      ...sink.timings,
      wait_workers_ms: generatedAt - mainDoneAt + tx - tw,
      merge_ms: mergeMs,
      copy_lines_ms: copyMs,
      ...lineTimings,
      // CPU of the main thread by phase
      main_shard_cpu_ms: c1 - c0,
      merge_cpu_ms: c2 - c1,
      index_cpu_ms: c3 - c2,
      copy_lines_cpu_ms: c4 - c3,
      finish_cpu_ms: threadCpuMs() - c4,
    })
    return { lines: rows.lines, accounts: rows.accounts, months: p.M, seed: p.seed, asOf: p.asOfIso, rows, generate_s: Math.round((performance.now() - t0) / 10) / 100, phases }
  } catch (e) {
    for (const w of pool) w.terminate()
    if (mainLinesOpen) mainLines.close()
    sink.abort()
    throw e
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** Appends the given tables of a shard file to the workspace, shifting its ids by `off`. */
export function mergeShard(db: Db, path: string, off: IdCounters | null, tables: readonly DemoTable[]): void {
  attachStore(db, path, 'shard')
  try {
    db.exec('BEGIN')
    for (const t of tables) {
      const cols = DEMO_TABLES[t] as readonly string[]
      const shift = (off && SHIFT[t]) ?? {}
      if (Object.keys(shift).length === 0) {
        // same DDL on both sides and no column list: lets SQLite use its transfer optimisation where it can
        db.exec(`INSERT INTO main."${t}" SELECT * FROM shard."${t}"`)
        continue
      }
      const select = cols.map((c) => (shift[c] ? `"${c}" + ${Number(off![shift[c]!])}` : `"${c}"`)).join(', ')
      db.exec(`INSERT INTO main."${t}" (${cols.map((c) => `"${c}"`).join(', ')}) SELECT ${select} FROM shard."${t}" ORDER BY rowid`)
    }
    db.exec('COMMIT')
  } catch (e) {
    db.exec('ROLLBACK')
    throw e
  } finally {
    db.exec('DETACH DATABASE shard')
  }
}

/** Copies whole tables (rows and index entries: SQLite's transfer optimisation) into empty tables of the workspace. */
function copyTables(db: Db, path: string, tables: readonly DemoTable[]): void {
  mergeShard(db, path, null, tables)
}
