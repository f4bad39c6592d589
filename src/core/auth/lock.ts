// The idle lock (issue 11): after `minutes` without activity the workstation locks, and while locked the API refuses
// every data procedure (the tRPC gate calls `guard`), so a locked app shows nothing whatever its window does.
// Activity is what the UI reports (`auth.touch` on keyboard and pointer input), not API traffic: a polling status bar
// must not keep an unattended app open. The clock is injected, so tests move it instead of waiting.
import { AppError } from '../../shared/api/errors'
import { OPEN_WHEN_LOCKED } from '../../shared/api/auth'

/**
 * Unlocking by the OS instead of the password (for later, from the Electron main process: e.g. Touch ID through
 * `systemPreferences.promptTouchID`, or Windows Hello). Not wired yet: nothing here can test it. The main process may
 * also call `auth.lock` on `powerMonitor`'s 'lock-screen' event.
 */
export interface OsUnlock {
  /** asks the OS to confirm the signed-in person; true when it did */
  confirm(reason: string): Promise<boolean>
}

export interface IdleLockOptions {
  /** the OS unlock, when the front end offers one (Electron) */
  osUnlock?: OsUnlock
  /** 0: never locks by itself (an explicit lock still works) */
  minutes: number
  /** epoch milliseconds (tests pass a fake clock) */
  now?: () => number
}

export class IdleLock {
  private lastActivity: number
  private lockedAt: number | null = null
  readonly minutes: number
  readonly osUnlock: OsUnlock | null
  private now: () => number

  constructor(opts: IdleLockOptions) {
    this.minutes = opts.minutes
    this.osUnlock = opts.osUnlock ?? null
    this.now = opts.now ?? Date.now
    this.lastActivity = this.now()
  }

  get locked(): boolean {
    if (this.lockedAt === null && this.minutes > 0 && this.now() - this.lastActivity >= this.minutes * 60_000) this.lockedAt = this.now()
    return this.lockedAt !== null
  }

  lock(): void {
    this.lockedAt ??= this.now()
  }

  unlock(): void {
    this.lockedAt = null
    this.lastActivity = this.now()
  }

  /** the person is active: the idle timer starts again (a locked app stays locked: unlocking needs the password) */
  touch(): boolean {
    if (!this.locked) this.lastActivity = this.now()
    return this.locked
  }

  guard(path: string): void {
    if (OPEN_WHEN_LOCKED.includes(path) || !this.locked) return
    const why = this.minutes > 0 ? `after ${this.minutes} idle minute${this.minutes === 1 ? '' : 's'}` : ''
    throw new AppError('FORBIDDEN', `Wingtel Ops is locked${why ? ` ${why}` : ''}: unlock it to go on.`)
  }
}
