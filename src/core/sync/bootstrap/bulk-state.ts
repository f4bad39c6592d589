// The bulk bootstrap's state in the store (docs/SYNC-PROTOCOL.md "Bulk bootstrap"): its position (the bulk cursor), its
// plan, its lanes and which of them are moved in, each stored in one SQLite transaction with the rows or the step it
// describes, so a killed app resumes where it stopped. Refuses to move on from a cursor that is no longer the stored
// one (another puller). bootstrap.ts runs the state machine; this holds its steps.
import type { SnapshotPlan, SnapshotTable } from '../../../shared/sync/protocol'
import { SYNCED_TABLES } from '../../../shared/sync/protocol'
import { moveTablesIn, tableDdl } from '../../store'
import type { Db } from '../../store'
import type { RemoteConfig } from '../remotes/remote'
import { BULK_META, emptySyncedTables, META, ReplicaMeta } from '../replica'
import { BulkInserter, type BulkPiece } from './bulk-insert'
import { BootstrapIndexes } from './indexes'
import type { LaneInput } from './lane'
import { discardLaneStore, laneStorePath, removeLaneStores } from './lane-files'

/**
 * The cursor during a bulk bootstrap (docs/SYNC-PROTOCOL.md "Bulk bootstrap"): this client's own position, never sent
 * to the server: `bulk:` + {"t": table being copied (null = all copied), "k": primary key of its last stored row}.
 */
export const BULK_PREFIX = 'bulk:'
export interface BulkPosition {
  t: string | null
  k: unknown[] | null
}
export function bulkCursor(p: BulkPosition): string {
  return BULK_PREFIX + JSON.stringify({ t: p.t, k: p.k ? p.k.map((v) => (typeof v === 'bigint' ? String(v) : v)) : null })
}
export function parseBulkCursor(c: string | null): BulkPosition | null {
  if (c === null || !c.startsWith(BULK_PREFIX)) return null
  return JSON.parse(c.slice(BULK_PREFIX.length)) as BulkPosition
}

/**
 * In the caller's transaction: the replica emptied and every position forgotten (cursor, phase, horizon, a bootstrap's
 * progress and bulk state), so that the next pull bootstraps. The indexes saved by a bootstrap stay saved.
 */
export function forgetReplica(m: ReplicaMeta): void {
  emptySyncedTables(m.db)
  for (const k of [META.cursor, META.phase, META.horizon, META.bootstrapRows, META.bootstrapStartedAt, BULK_META.plan, BULK_META.lanes, BULK_META.lanesMoved]) m.setMeta(k, null)
}

export class BulkState extends ReplicaMeta {
  readonly indexes = new BootstrapIndexes(this)
  private readonly inserter: BulkInserter

  constructor(db: Db) {
    super(db)
    this.inserter = new BulkInserter(db)
  }

  /** Drops the whole replica of the synced tables and forgets the cursor (a `reset`, or a new remote). One transaction. */
  resetReplica(): void {
    this.db.transaction(() => forgetReplica(this))()
    if (!this.db.memory) removeLaneStores(this.db.name)
  }

  /**
   * Starts a bulk bootstrap, in one transaction: the secondary indexes of the synced tables dropped (saved for the
   * rebuild), the replica emptied, the plan and the other lanes' tables (`lanes`, see lane.ts) stored, the cursor at
   * the first table this thread copies. Only from a null cursor.
   */
  beginBulk(plan: SnapshotPlan, lanes: ReadonlyArray<readonly string[]> = [], now = new Date()): string {
    const elsewhere = lanes.flat()
    const cursor = bulkCursor({ t: plan.tables.find((t) => !elsewhere.includes(t.table))?.table ?? null, k: null })
    this.db.transaction(() => {
      if (this.cursor !== null) throw new Error('the sync cursor moved while the bootstrap was starting (another puller?); nothing was applied')
      this.indexes.dropAndEmpty()
      this.indexes.dropLinesTriggers()
      this.setMeta(META.bootstrapRows, '0')
      this.setMeta(META.bootstrapStartedAt, now.toISOString())
      this.setMeta(BULK_META.plan, JSON.stringify(plan))
      this.setMeta(BULK_META.lanes, lanes.length ? JSON.stringify(lanes) : null)
      this.setMeta(BULK_META.lanesMoved, null)
      this.setMeta(META.horizon, plan.horizon)
      this.setMeta(META.phase, 'snapshot')
      this.setMeta(META.cursor, cursor)
    })()
    return cursor
  }

  bulkPlan(): SnapshotPlan | null {
    const s = this.meta(BULK_META.plan)
    return s ? (JSON.parse(s) as SnapshotPlan) : null
  }

  /** The tables of each of this bootstrap's other lanes (lane.ts); empty when this thread copies them all. */
  bulkLanes(): string[][] {
    const s = this.meta(BULK_META.lanes)
    return s ? (JSON.parse(s) as string[][]) : []
  }

  /** The lanes (numbers) whose tables are moved in. */
  bulkLanesMoved(): number[] {
    const s = this.meta(BULK_META.lanesMoved)
    return s ? (JSON.parse(s) as number[]) : []
  }

  laneScratch(lane: number): string {
    return laneStorePath(this.db.name, lane)
  }

  /** What lane `n`'s worker needs: the plan narrowed to its tables, the store's table definitions, their saved indexes. */
  laneInput(plan: SnapshotPlan, n: number, lane: readonly string[], remote: RemoteConfig, chunkRows: number): LaneInput {
    const ddl = tableDdl(this.db, [...SYNCED_TABLES, 'meta'])
    return {
      scratchPath: this.laneScratch(n),
      remote,
      plan: { ...plan, tables: plan.tables.filter((t) => lane.includes(t.table)) },
      ddl,
      indexes: this.indexes.saved().filter((ix) => lane.includes(ix.table)),
      chunkRows,
    }
  }

  /**
   * Moves lane `n`'s copied and indexed tables in from its scratch replica (`rows` of them), in one transaction with
   * the bookkeeping (bulk.ts moveTablesIn), then deletes the scratch file. Returns the milliseconds it took.
   */
  moveLaneIn(n: number, lane: readonly string[], rows: number, sentCursor: string): number {
    const t0 = performance.now()
    moveTablesIn(this.db, this.laneScratch(n), lane, this.indexes.saved(), () => {
      if (this.cursor !== sentCursor) throw new Error('the sync cursor moved during the bootstrap (another puller?)')
      this.setMeta(BULK_META.lanesMoved, JSON.stringify([...this.bulkLanesMoved(), n]))
      this.setMeta(META.bootstrapRows, String(Number(this.meta(META.bootstrapRows) ?? '0') + rows))
      return true
    })
    discardLaneStore(this.laneScratch(n))
    return performance.now() - t0
  }

  /** The columns of `table` the bulk copy asks for: the server's that this store keeps (lines: not the account ones). */
  bulkColumns(table: SnapshotTable): string[] {
    return this.inserter.columnsOf(table)
  }

  /**
   * Writes chunks of the bulk snapshot (one or more tables, in order) with the position after the last one
   * (`nextCursor`), in one transaction: plain multi-row INSERTs (the replica of a table holds only keys below its
   * chunk's). Refuses chunks asked for from a cursor that is no longer the stored one.
   */
  applyBulkChunks(pieces: readonly BulkPiece[], sentCursor: string, nextCursor: string): void {
    const inserts = pieces.map((p) => this.inserter.inserterFor(p.table, p.columns))
    let n = 0
    this.db.transaction(() => {
      if (this.cursor !== sentCursor) throw new Error('the sync cursor moved while this chunk was in flight (another puller?); the chunk was not applied')
      pieces.forEach((p, i) => {
        inserts[i](p.rows)
        n += p.rows.length
      })
      this.setMeta(META.cursor, nextCursor)
      this.setMeta(META.bootstrapRows, String(Number(this.meta(META.bootstrapRows) ?? '0') + n))
    })()
  }

  /** Moves the bulk cursor on (a table finished). */
  moveBulkCursor(sentCursor: string, nextCursor: string): void {
    this.db.transaction(() => {
      if (this.cursor !== sentCursor) throw new Error('the sync cursor moved during the bootstrap (another puller?)')
      this.setMeta(META.cursor, nextCursor)
    })()
  }

  /**
   * Ends the copy: the dropped indexes rebuilt (resumable, see indexes.ts rebuild), then the cursor set to the plan's
   * log cursor, so the next sync_pull replays the log from H0. Returns the index build's milliseconds.
   */
  finishBulk(sentCursor: string, plan: SnapshotPlan, onIndex?: (done: number, total: number, name: string) => void): number {
    const t0 = performance.now()
    this.indexes.rebuild(onIndex)
    const ms = performance.now() - t0
    this.db.transaction(() => {
      if (this.cursor !== sentCursor) throw new Error('the sync cursor moved during the bootstrap (another puller?)')
      this.setMeta(META.cursor, plan.log_cursor)
      this.setMeta(META.phase, 'log')
      this.setMeta(BULK_META.plan, null)
      this.setMeta(BULK_META.lanes, null)
      this.setMeta(BULK_META.lanesMoved, null)
    })()
    return ms
  }
}
