// A log file that rotates by size: wingtel.log, then wingtel.log.1 … wingtel.log.<keep> (oldest dropped). Writes are
// synchronous, so the last records before a crash are on disk, and no worker thread is spawned (pino's transports
// would start one per logger). Our log volume is low: a handful of lines per user action, not per row.
import { closeSync, existsSync, fchmodSync, fstatSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs'
import { dirname } from 'node:path'

export interface RotatingFileOptions {
  path: string
  /** rotate before a write would take the file past this size (default 10 MB) */
  maxBytes?: number
  /** rotated files kept besides the live one (default 5) */
  keep?: number
}

export class RotatingFile {
  private fd: number
  private size: number
  private readonly maxBytes: number
  private readonly keep: number

  constructor(private readonly opts: RotatingFileOptions) {
    this.maxBytes = opts.maxBytes ?? 10 * 1024 * 1024
    this.keep = Math.max(1, opts.keep ?? 5)
    mkdirSync(dirname(opts.path), { recursive: true })
    // 0600: the log names files, users and errors of the workspace (issue 11, attack 10); an older log is tightened
    this.fd = openSync(opts.path, 'a', 0o600)
    fchmodSync(this.fd, 0o600)
    this.size = fstatSync(this.fd).size
  }

  write(chunk: string): boolean {
    const buf = Buffer.from(chunk)
    try {
      if (this.size > 0 && this.size + buf.length > this.maxBytes) this.rotate()
      writeSync(this.fd, buf)
      this.size += buf.length
    } catch {
      // A full or vanished disk must not take the app down with it, and there is nowhere left to report it.
    }
    return true
  }

  close(): void {
    closeSync(this.fd)
  }

  private rotate(): void {
    closeSync(this.fd)
    const p = this.opts.path
    try {
      rmSync(`${p}.${this.keep}`, { force: true })
      for (let i = this.keep - 1; i >= 1; i--) if (existsSync(`${p}.${i}`)) renameSync(`${p}.${i}`, `${p}.${i + 1}`)
      renameSync(p, `${p}.1`)
    } finally {
      // reopened even when a rename failed, so the next write still has a file
      this.fd = openSync(p, 'a', 0o600)
      this.size = fstatSync(this.fd).size
    }
  }
}
