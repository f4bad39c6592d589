// The bulk bootstrap's second lane (lane.ts): a worker thread with its own remote connection copies some of the plan's
// tables (accounts, lines, usage_daily) into a scratch replica beside the store, then builds their indexes there, while
// the sync thread copies the other tables into the store itself. The scratch replica is a small store of its own: the
// same tables, its own `meta`, and its own bulk cursor committed with every chunk (rollback journal, so a killed run
// resumes after the last chunk it stored). The sync thread moves the indexed tables into the store at the end.
import { parentPort, workerData } from 'node:worker_threads'
import { META } from '../replica'
import { copyTables } from './bootstrap'
import { BulkState } from './bulk-state'
import { createRemote } from '../remotes/create'
import type { Remote } from '../remotes/remote'
import { serializeError } from '../errors'
import { openLaneStore, LANE_META, type LaneInput, type LaneMessage, type LaneRequest } from './lane'
import type { BulkStats } from './stats'
import { buildMissingIndexes } from '../../store'
import { setRootLogger, workerLogger } from '../../log'

setRootLogger(workerLogger('lane-worker'))
const port = parentPort!
const input = workerData as LaneInput
const post = (m: LaneMessage) => port.postMessage(m)
let stopping = false
port.on('message', (m: LaneRequest) => {
  if (m.type === 'stop') stopping = true
})

async function main(): Promise<void> {
  const t0 = performance.now()
  const db = openLaneStore(input)
  let remote: Remote | null = null
  try {
    const state = new BulkState(db)
    const stats: BulkStats = { started: false, rows: 0, chunks: 0, waitMs: 0, applyMs: 0, indexMs: 0, tables: {} }
    if (state.meta(LANE_META.indexed) !== '1') {
      if (state.cursor === null) {
        state.beginBulk(input.plan)
        stats.started = true
      }
      remote = await createRemote(input.remote)
      const failAfter = input.failAfter ?? 0
      await copyTables(state, remote, input.plan.tables, stats, {
        chunkRows: input.chunkRows,
        stopped: () => stopping,
        onChunk: () => {
          post({ type: 'progress', rows: Number(state.meta(META.bootstrapRows) ?? 0), runRows: stats.rows })
          if (failAfter > 0 && stats.chunks >= failAfter) throw new Error(`the bootstrap lane failed after ${stats.chunks} chunks (laneFailAfter)`)
        },
      })
      await remote.close()
      remote = null
      const t1 = performance.now()
      // (a run killed midway keeps the ones built)
      buildMissingIndexes(db, input.indexes)
      state.setMeta(LANE_META.indexed, '1')
      stats.indexMs = performance.now() - t1
    }
    const rows = Number(state.meta(META.bootstrapRows) ?? 0)
    db.close()
    post({ type: 'done', rows, stats: { ...stats, loadMs: performance.now() - t0 - stats.indexMs } })
  } catch (e) {
    if (db.open) db.close()
    await remote?.close().catch(() => undefined) // the lane's own error is the one rethrown below
    throw e
  }
}

main().catch((e) => post({ type: 'error', error: serializeError(e), stopped: stopping }))
