// 20 simulated workstations push 500 ops each at the same time (20 connections), with overlapping targets.
import { existsSync, readFileSync } from 'node:fs'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { SqlClient } from './client'
import { seedCentral } from './fixtures'
import { verifyLedger } from './ledger'
import { asRole, createTestDatabase, type TestDatabase } from './test-db'

const WORKSTATIONS = 20
const OPS_EACH = 500
const BATCH = 100
const SHARED_LINES = 100 // lines 1..100 are targeted by every workstation
const PRIVATE_EACH = 250 // + 250 lines of its own per workstation

interface Result {
  op_id: number
  status: string
  reason: string | null
  ledger_id: number | null
  original_status?: string
}

let db: TestDatabase

/** CPU milliseconds used so far by the server backends with these pids, when the server runs on this machine (for a
 *  throughput figure that does not depend on how busy the machine is); null otherwise. */
function backendCpuMs(pids: number[]): number | null {
  let total = 0
  for (const pid of pids) {
    const f = `/proc/${pid}/stat`
    if (!existsSync(f)) return null
    const fields = readFileSync(f, 'utf8').split(') ')[1].split(' ')
    total += (Number(fields[11]) + Number(fields[12])) * 10 // utime + stime, in 10 ms ticks
  }
  return total
}

async function pushBatch(c: SqlClient, clientId: string, ops: unknown[], ws: number): Promise<Result[]> {
  // one signed-in person per workstation: idempotency is keyed by the author (sub), so replays come from them
  const sub = `00000000-0000-4000-8000-${String(ws).padStart(12, '0')}`
  return asRole(c, 'operator', { email: `ws${ws}@wingtel.example`, sub }, async (tx) => {
    const { rows } = await tx.query<{ r: { results: Result[] } }>('SELECT push_operations($1::jsonb) AS r', [
      JSON.stringify({ client_id: clientId, ops }),
    ])
    return rows[0].r.results
  })
}

describe('concurrent pushes', () => {
  beforeEach(async () => {
    db = await createTestDatabase()
  })
  afterEach(async () => {
    await db.dispose()
  })

  it('20 workstations × 500 ops at once: exact ledger, no duplicates, conflicts reported, chain verifies', async (ctx) => {
    ctx.skip(db.kind === 'pglite', 'on PGlite: 20 concurrent connections need a server (PGlite has one connection); runs with TEST_DATABASE_URL')
    const total = SHARED_LINES + WORKSTATIONS * PRIVATE_EACH
    await seedCentral(db.client, { lines: total })
    // seeded lines with id % 10 == 0 are suspended and id % 97 == 0 disconnected: give every target a clean state
    await db.client.exec(`SET session_replication_role = replica; UPDATE lines SET status = 'active', tags = '', row_version = 1; SET session_replication_role = origin`)

    // each workstation: 250 ops on shared lines (2.5 per shared line, all previewed at version 1: only the first op
    // to reach a shared line can apply, every later one is a conflict) and 250 ops on its own lines (all apply)
    const plans = Array.from({ length: WORKSTATIONS }, (_, w) => {
      const ops = []
      for (let i = 0; i < OPS_EACH; i++) {
        const shared = i % 2 === 0
        const line = shared ? 1 + ((w * 7 + i / 2) % SHARED_LINES) : SHARED_LINES + w * PRIVATE_EACH + 1 + (i - 1) / 2
        ops.push({
          op_id: i + 1,
          batch_id: `b-${w}-${Math.floor(i / BATCH)}`,
          action: 'tag',
          line_id: line,
          params: { tag: `ws${w}` },
          base_version: 1,
          sentence: `tag ws${w}`,
        })
      }
      return ops
    })
    const conns = await Promise.all(Array.from({ length: WORKSTATIONS }, () => db.connect()))

    const pids = await Promise.all(conns.map(async (c) => (await c.query<{ p: number }>('SELECT pg_backend_pid() AS p')).rows[0].p))
    const cpu0 = backendCpuMs(pids)
    const t0 = performance.now()
    const results = await Promise.all(
      conns.map(async (conn, w) => {
        const out: Result[] = []
        for (let b = 0; b < OPS_EACH; b += BATCH) out.push(...(await pushBatch(conn, `ws-${w}`, plans[w].slice(b, b + BATCH), w)))
        return out
      }),
    )
    const seconds = (performance.now() - t0) / 1000
    const cpu1 = backendCpuMs(pids)
    const cpuS = cpu0 !== null && cpu1 !== null ? (cpu1 - cpu0) / 1000 : null
    const all = results.flat()
    const applied = all.filter((r) => r.status === 'applied').length
    const conflicts = all.filter((r) => r.status === 'conflict').length
    console.log(
      `concurrent push: ${all.length} ops from ${WORKSTATIONS} workstations in ${seconds.toFixed(2)} s = ` +
        `${Math.round(all.length / seconds)} ops/s; applied ${applied}, conflict ${conflicts}` +
        (cpuS ? `; server CPU ${cpuS.toFixed(2)} s = ${Math.round(all.length / cpuS)} ops per server-CPU-second` : ''),
    )

    expect(all).toHaveLength(WORKSTATIONS * OPS_EACH)
    // every shared line applied exactly once, every private op applied
    expect(applied).toBe(SHARED_LINES + WORKSTATIONS * PRIVATE_EACH)
    expect(conflicts).toBe(WORKSTATIONS * PRIVATE_EACH - SHARED_LINES)
    expect(all.filter((r) => r.status === 'conflict').every((r) => /is at version 2/.test(r.reason ?? ''))).toBe(true)

    const c = db.client
    const led = await c.query<{ n: number; d: number }>(
      'SELECT count(*)::int AS n, count(DISTINCT (client_id, op_id))::int AS d FROM ledger',
    )
    expect(led.rows[0]).toEqual({ n: applied, d: applied })
    const ao = await c.query<{ n: number }>('SELECT count(*)::int AS n FROM applied_ops')
    expect(ao.rows[0].n).toBe(WORKSTATIONS * OPS_EACH)
    const shared = await c.query<{ n: number }>(`SELECT count(*)::int AS n FROM lines WHERE id <= $1 AND row_version = 2 AND tags LIKE 'ws%' AND tags NOT LIKE '%,%'`, [SHARED_LINES])
    expect(shared.rows[0].n).toBe(SHARED_LINES)
    // the ledger ids returned to the clients are exactly the ledger
    const ids = all.filter((r) => r.status === 'applied').map((r) => Number(r.ledger_id)).sort((a, b) => a - b)
    expect(ids).toEqual(Array.from({ length: applied }, (_, i) => i + 1))

    // replays from every workstation at once: all duplicates with the original outcome, nothing new in the ledger
    const replays = await Promise.all(conns.map((conn, w) => pushBatch(conn, `ws-${w}`, plans[w].slice(0, BATCH), w)))
    for (let w = 0; w < WORKSTATIONS; w++) {
      expect(replays[w].every((r) => r.status === 'duplicate')).toBe(true)
      expect(replays[w].map((r) => r.original_status)).toEqual(results[w].slice(0, BATCH).map((r) => r.status))
    }
    expect((await c.query<{ n: number }>('SELECT count(*)::int AS n FROM ledger')).rows[0].n).toBe(applied)

    const sql = (await c.query<{ r: { ok: boolean; entries: number } }>('SELECT ledger_verify() AS r')).rows[0].r
    expect(sql).toMatchObject({ ok: true, entries: applied })
    expect(await verifyLedger(c)).toMatchObject({ ok: true, entries: applied })
  })
})
