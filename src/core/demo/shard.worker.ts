// Worker thread of the parallel demo generator (see parallel.ts): generates one range of accounts into scratch SQLite
// files (accounts and lines in one, the other tables in another; no secondary indexes). The first worker then gathers
// the other shards' accounts and lines into its file and builds their indexes there.
import { parentPort, workerData } from 'node:worker_threads'
import { recreateIndexes } from '../store'
import { generateShard } from './generate'
import { LINE_TABLES, mergeShard, openScratch, tableOf, threadCpuMs, type WorkerInput } from './parallel'
import type { DemoTable } from './sink'
import { SqliteDemoSink } from './sqlite-sink'
import { setRootLogger, workerLogger } from '../log'

setRootLogger(workerLogger('demo-shard'))

async function main(): Promise<void> {
  const input = workerData as WorkerInput
  const other = input.ddl.map(tableOf).filter((t) => t && !LINE_TABLES.includes(t as DemoTable))
  const db = openScratch(input.path, input.ddl, other)
  const lines = openScratch(input.linesPath, input.ddl, LINE_TABLES)
  const timings: Record<string, number> = {}
  try {
    const sink = new SqliteDemoSink(db, { analyze: false, route: Object.fromEntries(LINE_TABLES.map((t) => [t, lines])) })
    sink.begin()
    const r = await generateShard(sink, input.params, input.shard, (n) => parentPort!.postMessage({ type: 'progress', lines: n }))
    sink.finish()
    timings.worker_shard_cpu_ms = threadCpuMs()
    db.close()
    if (!input.lineIndexes) lines.close()
    // (listening only when a message will come: a listener keeps the thread alive)
    const gathering = input.lineIndexes ? new Promise<{ paths: string[] }>((resolve) => parentPort!.once('message', resolve)) : null
    parentPort!.postMessage({ type: 'generated', rows: r.rows, ids: r.ids })
    if (input.lineIndexes && gathering) {
      const m = await gathering
      const t0 = performance.now()
      const c0 = threadCpuMs()
      for (const path of m.paths) mergeShard(lines, path, null, LINE_TABLES)
      const t1 = performance.now()
      const c1 = threadCpuMs()
      recreateIndexes(lines, input.lineIndexes.map((sql) => ({ name: '', table: '', sql })))
      timings.gather_lines_ms = t1 - t0
      timings.index_lines_ms = performance.now() - t1
      timings.gather_lines_cpu_ms = c1 - c0
      timings.index_lines_cpu_ms = threadCpuMs() - c1
    }
  } finally {
    if (db.open) db.close()
    if (lines.open) lines.close()
  }
  parentPort!.postMessage({ type: 'done', timings })
}

main().catch((e: unknown) => {
  parentPort!.postMessage({ type: 'error', message: e instanceof Error ? `${e.message}\n${e.stack}` : String(e) })
})
