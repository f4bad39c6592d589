// Worker thread of the parallel demo generator: generates one range of accounts into its own temporary SQLite file
// (same tables, no secondary indexes), which the main thread then merges into the workspace with id offsets.
import { parentPort, workerData } from 'node:worker_threads'
import Database from 'better-sqlite3'
import { generateShard, type DemoParams, type ShardSpec } from './generate'
import { SqliteDemoSink } from './sqlite-sink'

interface Input {
  params: DemoParams
  shard: ShardSpec
  path: string
  /** CREATE TABLE statements of the demo tables */
  ddl: string[]
}

async function main(): Promise<void> {
  const input = workerData as Input
  const db = new Database(input.path)
  try {
    for (const s of input.ddl) db.exec(s)
    const sink = new SqliteDemoSink(db, { analyze: false })
    sink.begin()
    const r = await generateShard(sink, input.params, input.shard, (lines) => parentPort!.postMessage({ type: 'progress', lines }))
    sink.finish()
    parentPort!.postMessage({ type: 'done', rows: r.rows, ids: r.ids })
  } finally {
    db.close()
  }
}

main().catch((e: unknown) => {
  parentPort!.postMessage({ type: 'error', message: e instanceof Error ? `${e.message}\n${e.stack}` : String(e) })
})
