// Every write to the local store goes through one queue, so async callers (IPC handlers, the outbox, sync apply
// callbacks) never interleave their transactions. better-sqlite3 is synchronous, so a job runs to completion once
// started; the queue orders jobs that were waiting on I/O in between.
import { AppError } from '../../shared/api/errors'

export class WriteQueue {
  private tail: Promise<unknown> = Promise.resolve()
  private depth = 0
  private refusal: string | null = null

  /** From now on every job is refused with `message` (a damaged workspace: nothing more is written to it). */
  refuse(message: string): void {
    this.refusal = message
  }

  run<T>(job: () => T | Promise<T>): Promise<T> {
    if (this.refusal !== null) return Promise.reject(new AppError('DB_CORRUPT', this.refusal))
    this.depth++
    const next = this.tail.then(job, job)
    this.tail = next.then(
      () => this.depth--,
      () => this.depth--,
    )
    return next
  }

  get pending(): number {
    return this.depth
  }
}
