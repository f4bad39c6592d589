// How live sync reacts to pokes (issue 11, attack 8). A poke is a hint, never an instruction: on a direct-Postgres
// server anyone who can connect may `NOTIFY sync_changes, '<anything>'` (PostgreSQL has no privilege for NOTIFY), so a
// poke's payload decides nothing by itself. Before, a poke claiming transaction 9223372036854775000 made the engine pull
// again once a second forever, waiting for a horizon that would never get there.
//
// The rules:
//   * a payload that is not an xid8 (digits, at most 2^64 - 1) is a plain "pull now";
//   * pulls are rate-limited: at most one every MIN_INTERVAL_MS however many pokes arrive (a pull brings everything,
//     so nothing is lost by coalescing);
//   * a claimed xid is followed up (pulled again, backing off, until the pulled horizon passes it: an older transaction
//     can hold the horizon back past a real poke) only while it is plausible: below the server's next xid when the
//     remote can tell (every xid a committed transaction had is), and less than 2^31 ahead of the horizon (no running
//     transaction is older than that, or the server would have stopped for wraparound). An impossible claim is dropped
//     after its one pull, and logged;
//   * a plausible claim is followed up at most MAX_FOLLOW_UPS times; then it is given up, and until real data moves (a
//     pull brings changes, or the horizon passes it) a poke claiming that xid or a later one is only a plain "pull now".
// The remote's slow poll (and every later poke) still brings whatever a dropped claim would have.
import { rootLogger } from '../log'

const XID8_MAX = (1n << 64n) - 1n
/** a running transaction is never 2^31 or more xids older than the next one (wraparound protection) */
const XID_WINDOW = 1n << 31n
/** the least time between two poke pulls (their starts) */
export const MIN_INTERVAL_MS = 200
/** an unreached, plausible claim is pulled again after this, doubling up to the max */
const FOLLOW_UP_MIN_MS = 20
const FOLLOW_UP_MAX_MS = 1000
/** how many follow-up pulls one claim gets at most (about 35 s with the backoff above) */
export const MAX_FOLLOW_UPS = 40
/** a pull that failed (offline, a server error, the store busy) is tried again after this, doubling up to the max */
const FAIL_RETRY_MIN_MS = 250
const FAIL_RETRY_MAX_MS = 30_000

/** Where a pull got to: its horizon, how many changes it brought, and the server's next xid when the remote knows it. */
export interface PulledPosition {
  horizon: string | null
  changes: number
  nextXid: string | null
}

export interface PokeGateDeps {
  /** one pull (the engine's, shared with any pull already running) */
  pull(): Promise<PulledPosition>
  /** false while a push runs: the engine then pulls itself when the push is done (deferred() tells it to) */
  canPull(): boolean
  deferred(): void
}

/** The xid a poke claims, or null when the payload is not an xid8. */
export function claimedXid(payload: string | null): bigint | null {
  if (payload === null || !/^\d{1,20}$/.test(payload)) return null
  const x = BigInt(payload)
  return x <= XID8_MAX ? x : null
}

function xidOf(s: string | null): bigint | null {
  return s !== null && /^\d{1,20}$/.test(s) ? BigInt(s) : null
}

export class PokeGate {
  /** the newest plausible claim no pull has passed yet */
  private claim: bigint | null = null
  private followUps = 0
  private followUpMs = FOLLOW_UP_MIN_MS
  private failMs = FAIL_RETRY_MIN_MS
  /** a claim given up: pokes claiming it or later are plain hints until data moves */
  private givenUp: bigint | null = null
  private lastStart: number | null = null
  private timer: ReturnType<typeof setTimeout> | null = null
  private timerAt = 0
  private running = false
  private again = false
  private stopped = false
  private log = rootLogger().child({ domain: 'sync' })

  constructor(
    private deps: PokeGateDeps,
    private now: () => number = () => performance.now(),
  ) {}

  /** A poke arrived (payload as received; null for a poll tick). */
  poke(payload: string | null): void {
    const x = claimedXid(payload)
    if (x !== null && (this.givenUp === null || x < this.givenUp) && (this.claim === null || x > this.claim)) {
      this.claim = x
      this.followUps = 0
      this.followUpMs = FOLLOW_UP_MIN_MS
    }
    this.schedule(0)
  }

  /** Pull now, past the rate limit and the push check (the engine, as a push that applied ops or had pokes waiting ends). */
  pullNow(): void {
    this.clearTimer()
    if (this.running) this.again = true
    else this.start(true)
  }

  stop(): void {
    this.stopped = true
    this.clearTimer()
  }

  /** A pull in `ms` at the earliest, and never sooner than MIN_INTERVAL_MS after the last one started. */
  private schedule(ms: number): void {
    if (this.stopped) return
    if (this.running) {
      this.again = true
      return
    }
    const wait = Math.max(ms, this.lastStart === null ? 0 : this.lastStart + MIN_INTERVAL_MS - this.now())
    if (this.timer && this.timerAt <= this.now() + wait) return // one is already due by then
    this.clearTimer()
    if (wait <= 0) {
      this.start()
      return
    }
    this.timerAt = this.now() + wait
    this.timer = setTimeout(() => {
      this.timer = null
      this.start()
    }, wait)
    this.timer.unref?.()
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
  }

  private start(force = false): void {
    if (this.stopped) return
    if (!force && !this.deps.canPull()) {
      this.deps.deferred()
      return
    }
    this.running = true
    this.again = false
    this.lastStart = this.now()
    this.deps.pull().then(
      (pos) => this.pulled(pos),
      () => this.failed(),
    )
  }

  private pulled(pos: PulledPosition): void {
    this.running = false
    this.failMs = FAIL_RETRY_MIN_MS
    const h = xidOf(pos.horizon)
    if (pos.changes > 0 || (h !== null && this.givenUp !== null && h > this.givenUp)) this.givenUp = null
    const next = this.followUp(h, xidOf(pos.nextXid))
    if (this.again) this.schedule(0)
    else if (next !== null) this.schedule(next)
  }

  /** After a pull: the delay of the next follow-up for the current claim, or null when there is nothing to follow. */
  private followUp(h: bigint | null, next: bigint | null): number | null {
    const c = this.claim
    if (c === null) return null
    if (h !== null && h > c) {
      this.claim = null
      return null
    }
    if ((next !== null && c >= next) || (h !== null && c >= h + XID_WINDOW)) {
      this.log.warn({ claimed: c.toString(), horizon: h?.toString() ?? null, next: next?.toString() ?? null }, 'a poke claimed a transaction the server has not reached: ignored (not from the server)')
      this.claim = null
      return null
    }
    if (this.followUps >= MAX_FOLLOW_UPS) {
      this.log.info({ claimed: c.toString(), horizon: h?.toString() ?? null }, 'a poked transaction stayed above the horizon: no more pulls for it until data moves')
      this.givenUp = this.givenUp === null || c < this.givenUp ? c : this.givenUp
      this.claim = null
      return null
    }
    this.followUps++
    const ms = this.followUpMs
    this.followUpMs = Math.min(FOLLOW_UP_MAX_MS, this.followUpMs * 2)
    return ms
  }

  private failed(): void {
    this.running = false
    if (this.stopped) return
    // offline or failing: tried again with backoff (sooner if another poke comes: poke() moves the timer up)
    const ms = this.failMs
    this.failMs = Math.min(FAIL_RETRY_MAX_MS, this.failMs * 2)
    this.again = false
    this.schedule(ms)
  }
}
