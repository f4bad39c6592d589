// The poke gate on its own (issue 11, attack 8): payload validation, and how a given-up claim is lifted once real data
// moves. Driven by fake timers and the gate's injected clock; no time is asserted, only the pulls that happen.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { claimedXid, MAX_FOLLOW_UPS, PokeGate, type PulledPosition } from './poke-gate'

/** Deps whose pulls answer with the position given; counts them. */
function fakeDeps(pos: () => PulledPosition) {
  const d = {
    pulls: 0,
    pushing: false,
    deferrals: 0,
    pull: async () => {
      d.pulls++
      return pos()
    },
    canPull: () => !d.pushing,
    deferred: () => {
      d.deferrals++
    },
  }
  return d
}

/** Fires the gate's timers one by one, letting each pull settle, until none is left (fails instead of looping). */
async function settle(): Promise<void> {
  for (let fired = 0; ; fired++) {
    await new Promise((r) => setImmediate(r))
    if (vi.getTimerCount() === 0) return
    if (fired === 1000) throw new Error('the gate is still pulling after 1000 timers')
    await vi.advanceTimersToNextTimerAsync()
  }
}

describe('poke gate', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] })
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('a claim is an xid8: digits only, at most 2^64 - 1', () => {
    expect(claimedXid('1234')).toBe(1234n)
    expect(claimedXid('18446744073709551615')).toBe(18446744073709551615n)
    for (const bad of ['18446744073709551616', '99999999999999999999', '-1', '12a', '', ' 5', '1e9', null]) expect(claimedXid(bad), String(bad)).toBeNull()
  })

  it('a given-up claim is lifted when a pull brings changes: a later real poke is followed again', async () => {
    // each pull answers with the next queued position, then repeats the last one
    const queue: PulledPosition[] = [{ horizon: '100', changes: 0, nextXid: '120' }]
    const deps = fakeDeps(() => (queue.length > 1 ? queue.shift()! : queue[0]))
    const gate = new PokeGate(deps, () => performance.now())
    gate.poke('110') // plausible, never reached
    await settle()
    expect(deps.pulls).toBe(1 + MAX_FOLLOW_UPS)
    gate.poke('115') // given up: one pull only
    await settle()
    expect(deps.pulls).toBe(2 + MAX_FOLLOW_UPS)
    // real data moves (the held-back transaction committed), then a real poke whose transaction is briefly held back
    queue.splice(0, queue.length, { horizon: '101', changes: 3, nextXid: '130' }, { horizon: '101', changes: 0, nextXid: '130' },
      { horizon: '101', changes: 0, nextXid: '130' }, { horizon: '126', changes: 1, nextXid: '130' })
    gate.poke(null)
    await settle()
    const before = deps.pulls
    gate.poke('125')
    await settle()
    expect(deps.pulls - before).toBe(3) // followed until the horizon passed it (a hint alone would be one pull)
    gate.stop()
  })

  it('a poke during a push is deferred to the engine, not pulled', async () => {
    const deps = fakeDeps(() => ({ horizon: '100', changes: 0, nextXid: '120' }))
    deps.pushing = true
    const gate = new PokeGate(deps, () => performance.now())
    gate.poke('99')
    await settle()
    expect({ pulls: deps.pulls, deferrals: deps.deferrals }).toEqual({ pulls: 0, deferrals: 1 })
    deps.pushing = false
    gate.pullNow()
    await settle()
    expect(deps.pulls).toBe(1)
    gate.stop()
  })
})
