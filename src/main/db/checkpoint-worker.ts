// Worker thread of startCheckpointer (bulk.ts): checkpoints a store's WAL from its own connection while another
// thread writes in bulk with its automatic checkpoints off. PASSIVE checkpoints never wait for the writer or the
// readers; told to stop, it catches up once more, truncates the WAL when nobody is using it, and exits.
import { workerData } from 'node:worker_threads'
import Database from 'better-sqlite3'
import type { CheckpointerInput } from './bulk'

const { path, flags } = workerData as CheckpointerInput
const db = new Database(path)
try {
  db.pragma('busy_timeout = 0')
  for (;;) {
    const stop = Atomics.load(flags, 0) === 1
    db.pragma('wal_checkpoint(PASSIVE)')
    if (stop) break
    // woken at once by stop; otherwise every 100 ms
    Atomics.wait(flags, 0, 0, 100)
  }
  try {
    // the WAL grew to the size of the whole write: give the disk space back (busy: a reader or a writer is at it, fine)
    db.pragma('wal_checkpoint(TRUNCATE)')
  } catch {
    // SQLITE_BUSY
  }
} finally {
  db.close()
}
