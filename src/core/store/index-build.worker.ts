// Worker thread of `buildIndexesAside` (bulk.ts): copies whole tables of a store into a scratch file (SQLite's transfer
// optimisation: a raw copy of the rows) and builds their indexes there, while the store's own connection builds the
// other tables' indexes. The store is only read, in one short read transaction (WAL: the writer is not blocked).
import { parentPort, workerData } from 'node:worker_threads'
import { openScratchStore, recreateIndexes, type AsideInput } from './bulk'
import { attachStore } from './cipher'
import { setRootLogger, workerLogger } from '../log'

setRootLogger(workerLogger('index-build-worker'))

function main(): void {
  const input = workerData as AsideInput
  const db = openScratchStore(input.scratchPath, input.tableDdl)
  try {
    const t0 = performance.now()
    attachStore(db, input.srcPath, 'src')
    db.exec('BEGIN')
    for (const t of input.tables) db.exec(`INSERT INTO main."${t}" SELECT * FROM src."${t}"`)
    db.exec('COMMIT')
    db.exec('DETACH DATABASE src')
    const t1 = performance.now()
    recreateIndexes(db, input.indexes)
    parentPort!.postMessage({ type: 'done', copyMs: t1 - t0, indexMs: performance.now() - t1 })
  } finally {
    db.close()
  }
}

try {
  main()
} catch (e) {
  parentPort!.postMessage({ type: 'error', message: e instanceof Error ? `${e.message}\n${e.stack}` : String(e) })
}
