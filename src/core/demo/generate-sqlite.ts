// The demo into the local store: the SQLite fast path (indexes dropped and rebuilt, durability relaxed during the
// load), single-threaded through the sink-driving generator or split across worker threads (parallel.ts).
import { AppError } from '../../shared/api/errors'
import type { Db } from '../store'
import { generateDemoInto, phasesOf } from './generate'
import type { DemoOptions, DemoProgress, DemoSummary } from './params'
import { SqliteDemoSink } from './sqlite-sink'

/**
 * Generates the demo workspace into an empty local store (fast path: indexes dropped and rebuilt, durability relaxed
 * during the load). Yields to the event loop between batches and reports progress.
 */
export async function generateDemo(db: Db, opts: DemoOptions, onProgress?: (p: DemoProgress) => void): Promise<DemoSummary> {
  const has = db.prepare('SELECT EXISTS (SELECT 1 FROM lines) OR EXISTS (SELECT 1 FROM accounts) AS n').get() as { n: number }
  if (has.n) throw new AppError('CONFLICT', 'This workspace already has data; the demo generator only fills an empty workspace.')
  db.exec('DELETE FROM plans; DELETE FROM addons')
  const workers = Math.max(1, Math.floor(opts.workers ?? 1))
  if (workers > 1) {
    const par = await import('./parallel')
    if (par.parallelAvailable()) return par.generateDemoParallel(db, opts, workers, onProgress)
  }
  const sink = new SqliteDemoSink(db, { onIndex: (done, total) => onProgress?.({ phase: 'index', done, total }) })
  try {
    const r = await generateDemoInto(sink, opts, onProgress)
    r.phases = phasesOf(sink.timings)
    return r
  } catch (e) {
    sink.abort()
    throw e
  }
}
