// `PRAGMA quick_check` at open (issue 11, attack 10: damaged interior pages went unnoticed). It reads every page, so
// its cost grows with the file: about 12 ms per MB here (30 s on the 2.5 GB, 1M-line bench workspace), too slow to
// hold up every open. A small workspace is checked before the open returns; a big one in a worker thread right after,
// and a failure then marks the workspace damaged: state 'error', a workspace-error event, writes refused (query_only
// and the write queue), so nothing is written on top of a damaged file.
import type { Worker } from 'node:worker_threads'
import { AppError } from '../../shared/api/errors'
import { findEntry, startWorkerEntry } from '../runtime'
import type { Db } from './open'

/** Files up to this size are checked before the open returns. */
export const SYNC_CHECK_MAX_BYTES = 64 * 1048576

export type IntegrityMode = 'auto' | 'sync' | 'background' | 'off'

export interface IntegrityInput {
  path: string
}

export type IntegrityReply = { ok: true; ms: number } | { ok: false; problems: string[] }

/** Runs quick_check on `db`: null when the file is sound, else what SQLite found (at most a few lines). */
export function quickCheck(db: Db): string[] | null {
  try {
    const rows = db.prepare('PRAGMA quick_check(5)').pluck().all() as string[]
    return rows.length === 1 && rows[0] === 'ok' ? null : rows
  } catch (e) {
    // a page too damaged to walk fails the statement itself
    return [(e as Error).message]
  }
}

export function damagedError(path: string, problems: readonly string[]): AppError {
  return new AppError(
    'DB_CORRUPT',
    `The workspace file is damaged: ${problems.slice(0, 3).join('; ')} (${path}). It was left untouched and nothing more is written to it; restore a backup, or move it aside to start a new workspace.`,
  )
}

/** Starts the check in a worker thread; `onDone` gets its reply (an error is reported as a failed check of its own). */
export function startIntegrityWorker(path: string, onDone: (r: IntegrityReply | { ok: 'unknown'; message: string }) => void): Worker | null {
  const entry = findEntry('integrity-worker')
  if (!entry) return null
  const w = startWorkerEntry(entry, { path } satisfies IntegrityInput)
  let answered = false
  w.on('message', (m: IntegrityReply) => {
    answered = true
    onDone(m)
  })
  w.on('error', (e) => {
    answered = true
    onDone({ ok: 'unknown', message: e.message })
  })
  w.on('exit', () => {
    if (!answered) onDone({ ok: 'unknown', message: 'the check was stopped' })
  })
  return w
}
