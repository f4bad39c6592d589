// Worker thread of startCheckpointer (bulk.ts): checkpoints a store's WAL from its own connection while another
// thread writes in bulk with its automatic checkpoints off. Only PASSIVE checkpoints: they never take the write lock
// or wait for readers, so the writer and the readers never wait for this thread. Told to stop, it keeps going until it
// has caught up (or a reader's old snapshot holds it back), then exits; the writer's next transaction resets the WAL
// and trims the file (journal_size_limit, db/open.ts).
import { workerData } from 'node:worker_threads'
import type { CheckpointerInput } from './bulk'
import { openSqlite } from './open'

const { path, flags } = workerData as CheckpointerInput
const db = openSqlite(path)
try {
  db.pragma('busy_timeout = 0')
  let last = -1
  for (;;) {
    const stop = Atomics.load(flags, 0) === 1
    const [r] = db.pragma('wal_checkpoint(PASSIVE)') as Array<{ busy: number; log: number; checkpointed: number }>
    if (stop && (r.checkpointed >= r.log || r.checkpointed === last)) break
    last = r.checkpointed
    // every 100 ms (woken at once by stop)
    if (!stop) Atomics.wait(flags, 0, 0, 100)
    else Atomics.wait(flags, 1, 0, 100)
  }
} finally {
  db.close()
}
