// Parallel demo generation: the account plan is split into shards by line count; the main thread generates the first
// shard straight into the workspace while worker threads generate the others into temporary SQLite files, which are
// then merged with their row ids shifted. Ids and row contents do not depend on the number of shards (every account
// has its own PRNG stream, MSISDNs derive from line ids), so the result is the same as a single-threaded run.
import { existsSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'
import type { Db } from '../db/open'
import {
  catalogRows,
  metaRows,
  generateShard,
  phasesOf,
  planAccounts,
  resolveParams,
  type DemoOptions,
  type DemoProgress,
  type DemoSummary,
  type IdCounters,
  type ShardSpec,
} from './generate'
import { DEMO_TABLES, type DemoTable } from './sink'
import { SqliteDemoSink } from './sqlite-sink'

/** The worker script next to this module, when running from source (tsx, vitest); null in a bundle. */
function workerScript(): URL | null {
  const url = new URL('./shard-worker.ts', import.meta.url)
  try {
    return existsSync(fileURLToPath(url)) ? url : null
  } catch {
    return null
  }
}

export function parallelAvailable(): boolean {
  return workerScript() !== null
}

interface WorkerDone {
  rows: Record<DemoTable, number>
  ids: IdCounters
}

/** Offsets applied to a shard's columns when merging. */
const SHIFT: Partial<Record<DemoTable, Record<string, keyof IdCounters>>> = {
  invoices: { id: 'invoice' },
  invoice_items: { id: 'item', invoice_id: 'invoice' },
  payments: { id: 'payment', invoice_id: 'invoice' },
  care_interactions: { id: 'care' },
  line_events: { id: 'event' },
}
const SHARD_TABLES: DemoTable[] = ['accounts', 'lines', 'usage_cycles', 'usage_daily', 'invoices', 'invoice_items', 'payments', 'care_interactions', 'line_events']

function runWorker(script: URL, input: unknown, onLines: (n: number) => void): Promise<WorkerDone> {
  const require = createRequire(import.meta.url)
  const tsx = pathToFileURL(require.resolve('tsx')).href
  return new Promise((resolvePromise, reject) => {
    const w = new Worker(script, { workerData: input, execArgv: ['--import', tsx], resourceLimits: { maxYoungGenerationSizeMb: 64 } })
    let settled = false
    w.on('message', (m: { type: string; lines?: number; rows?: WorkerDone['rows']; ids?: IdCounters; message?: string }) => {
      if (m.type === 'progress') onLines(m.lines!)
      else if (m.type === 'done') {
        settled = true
        resolvePromise({ rows: m.rows!, ids: m.ids! })
      } else if (m.type === 'error') {
        settled = true
        reject(new Error(`demo shard worker failed: ${m.message}`))
      }
    })
    w.on('error', (e) => {
      if (!settled) reject(e)
      settled = true
    })
    w.on('exit', (code) => {
      if (!settled) reject(new Error(`demo shard worker exited with code ${code}`))
      settled = true
    })
  })
}

/**
 * Like generateDemo (empty store required, checked by the caller) with `workers` threads in total (main included).
 * `mainShare` is the share of lines the main thread generates itself (it also merges the others).
 */
export async function generateDemoParallel(db: Db, opts: DemoOptions, workers: number, onProgress?: (p: DemoProgress) => void, mainShare?: number): Promise<DemoSummary> {
  const script = workerScript()
  if (!script) throw new Error('parallel demo generation needs the source tree (worker script not found)')
  const t0 = performance.now()
  const p = resolveParams(opts)
  const plan = planAccounts(p)
  // split the accounts by lines: the main shard first, then equal worker shards
  const share = mainShare ?? 1 / workers
  const bounds: number[] = [0]
  {
    let acc = 0
    let k = 1
    const targets = [share * p.N]
    for (let i = 1; i < workers; i++) targets.push(share * p.N + ((1 - share) * p.N * i) / (workers - 1))
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
  const ddl = (db.prepare(`SELECT sql FROM sqlite_master WHERE type = 'table' AND name IN (${SHARD_TABLES.map(() => '?').join(',')})`).all(...SHARD_TABLES) as Array<{ sql: string }>).map((r) => r.sql)
  const dir = join(tmpdir(), `wingtel-demo-${process.pid}-${Date.now()}`)
  const paths = shards.map((_, i) => join(dir, `shard-${i}.sqlite`))
  const done = new Array<number>(workers).fill(0)
  const report = () => onProgress?.({ phase: 'generate', done: done.reduce((x, y) => x + y, 0), total: p.N })
  const { mkdirSync } = await import('node:fs')
  mkdirSync(dir, { recursive: true })

  const sink = new SqliteDemoSink(db, { onIndex: (d, total) => onProgress?.({ phase: 'index', done: d, total }) })
  try {
    const pending = shards.slice(1).map((shard, i) =>
      runWorker(script, { params: p, shard, path: paths[i + 1], ddl }, (n) => {
        done[i + 1] = n
        report()
      }),
    )
    // keep rejections from going unhandled while the main shard runs
    pending.forEach((x) => x.catch(() => undefined))
    sink.begin()
    const cat = catalogRows()
    sink.plans(cat.plans)
    sink.addons(cat.addons)
    report()
    const main = await generateShard(sink, p, shards[0], (n) => {
      done[0] = n
      report()
    })
    const rows = { ...main.rows }
    const mainDoneAt = performance.now()
    let mergeMs = 0
    const offset: IdCounters = { ...main.ids }
    for (let i = 1; i < workers; i++) {
      const r = await pending[i - 1]
      onProgress?.({ phase: 'merge', done: i - 1, total: workers - 1 })
      const tm = performance.now()
      mergeShard(db, paths[i], offset)
      mergeMs += performance.now() - tm
      for (const t of SHARD_TABLES) rows[t] += r.rows[t]
      for (const k of Object.keys(offset) as Array<keyof IdCounters>) offset[k] += r.ids[k]
      rmSync(paths[i], { force: true })
    }
    const meta = metaRows(p)
    sink.meta(meta)
    onProgress?.({ phase: 'finish', done: 0, total: 1 })
    sink.finish()
    rows.plans = cat.plans.length
    rows.addons = cat.addons.length
    rows.meta = meta.length
    onProgress?.({ phase: 'done', done: 1, total: 1 })
    const phases = phasesOf({ main_shard_ms: mainDoneAt - t0, ...sink.timings, wait_workers_ms: performance.now() - mainDoneAt - mergeMs - sink.timings.index_ms - sink.timings.analyze_ms, merge_ms: mergeMs })
    return { lines: rows.lines, accounts: rows.accounts, months: p.M, seed: p.seed, asOf: p.asOfIso, rows, generate_s: Math.round((performance.now() - t0) / 10) / 100, phases }
  } catch (e) {
    sink.abort()
    throw e
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

function mergeShard(db: Db, path: string, off: IdCounters): void {
  db.prepare('ATTACH DATABASE ? AS shard').run(path)
  try {
    db.exec('BEGIN')
    for (const t of SHARD_TABLES) {
      const cols = DEMO_TABLES[t] as readonly string[]
      const shift = SHIFT[t] ?? {}
      if (Object.keys(shift).length === 0) {
        // same DDL on both sides and no column list: lets SQLite use its transfer optimisation where it can
        db.exec(`INSERT INTO main."${t}" SELECT * FROM shard."${t}"`)
        continue
      }
      const select = cols.map((c) => (shift[c] ? `"${c}" + ${Number(off[shift[c]!])}` : `"${c}"`)).join(', ')
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


