// Worker thread of startIntegrityWorker (integrity.ts): quick_check of a big workspace on its own read-only
// connection, right after the workspace opened, so that the open itself does not wait for it.
import { parentPort, workerData } from 'node:worker_threads'
import { quickCheck, type IntegrityInput, type IntegrityReply } from './integrity'
import { openSqlite } from './open'
import { setRootLogger, workerLogger } from '../log'

setRootLogger(workerLogger('integrity-worker'))

const { path } = workerData as IntegrityInput
const t0 = performance.now()
let reply: IntegrityReply
try {
  const db = openSqlite(path, { readonly: true })
  try {
    const problems = quickCheck(db)
    reply = problems ? { ok: false, problems } : { ok: true, ms: Math.round(performance.now() - t0) }
  } finally {
    db.close()
  }
} catch (e) {
  reply = { ok: false, problems: [(e as Error).message] }
}
parentPort!.postMessage(reply)
