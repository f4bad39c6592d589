// The indexes a bootstrap takes off the synced tables and puts back. Its copy writes tables without their secondary
// indexes (and `lines` without its triggers, bulk only), which are saved in meta in the transaction that drops them,
// so that a run killed at any point still rebuilds them; they come back at the end of the copy (the JSON snapshot:
// before the log replay; the bulk bootstrap: bulk-state.ts finishBulk), `lines`' built aside by a worker thread when
// no lane does it (store/bulk.ts startIndexesAside).
import {
  analyzeSampled,
  buildMissingIndexes,
  dropSecondaryIndexes,
  dropTriggers,
  finishIndexesAside,
  rebuildConsoleLineGroups,
  recreateTriggers,
  startIndexesAside,
  type IndexesAside,
  type SavedIndex,
  type SavedTrigger,
} from '../../store'
import { SYNCED_TABLES } from '../../../shared/sync/protocol'
import { emptySyncedTables, type ReplicaMeta } from '../replica'

export const INDEX_META = {
  savedIndexes: 'sync.saved_indexes',
  /** the lines triggers (console_line_groups) dropped for a bulk bootstrap, restored with the indexes */
  savedTriggers: 'sync.saved_triggers',
} as const

/** Where the index build aside went (ms): the worker's copy-out and build; here: the other tables' indexes, waiting for the worker, moving its tables in. */
export interface AsideTimings {
  copyMs: number
  indexMs: number
  othersMs: number
  waitMs: number
  transferMs: number
}

export class BootstrapIndexes {
  constructor(private readonly m: ReplicaMeta) {}

  private get db() {
    return this.m.db
  }

  /**
   * In the caller's transaction: the synced tables' secondary indexes dropped (added to the saved ones a killed run
   * may have left) and the replica emptied.
   */
  dropAndEmpty(): void {
    const already = this.saved()
    const dropped = dropSecondaryIndexes(this.db, SYNCED_TABLES)
    emptySyncedTables(this.db)
    const byName = new Map([...already, ...dropped].map((ix) => [ix.name, ix]))
    this.m.setMeta(INDEX_META.savedIndexes, JSON.stringify([...byName.values()]))
  }

  /** In the caller's transaction: the lines triggers dropped and saved (restored by rebuild). */
  dropLinesTriggers(): void {
    // one console_line_groups upsert per copied line costs ~3 us: rebuilt in one pass instead (restoreTriggers)
    const trigs = new Map([...this.savedTriggers(), ...dropTriggers(this.db, ['lines'])].map((t) => [t.name, t]))
    this.m.setMeta(INDEX_META.savedTriggers, trigs.size ? JSON.stringify([...trigs.values()]) : null)
  }

  saved(): SavedIndex[] {
    const s = this.m.meta(INDEX_META.savedIndexes)
    return s ? (JSON.parse(s) as SavedIndex[]) : []
  }

  /** Builds the saved indexes of `tables` that do not exist yet, each in its own transaction (see rebuild). */
  buildOf(tables: readonly string[]): void {
    buildMissingIndexes(this.db, this.saved().filter((ix) => tables.includes(ix.table)))
  }

  /**
   * The bulk bootstrap's index build with the largest tables' indexes (`aside`: lines, 25 of them) built by a worker
   * thread in a scratch file next to the store while this connection builds the others, then copied back in one
   * transaction (bulk.ts startIndexesAside). Whatever that could not do (no worker here, a local write meanwhile) is
   * left to rebuild, which finishBulk runs next. Killed midway: the store is either before or after that
   * transaction, and the next run starts over from the saved list (the scratch file is recreated). Started as soon as
   * those tables are copied (the worker overlaps the copy of the others); the caller must not write them afterwards.
   */
  startAside(aside: readonly string[]): IndexesAside | null {
    const saved = this.saved()
    // (a run killed after moving them back but before finishBulk: nothing left to build aside)
    const existing = this.indexNames()
    if (!saved.some((ix) => aside.includes(ix.table) && !existing.has(ix.name))) return null
    return startIndexesAside(this.db, aside, saved, this.asideScratch())
  }

  /** Builds the other tables' indexes here, then waits for the worker and moves its tables in (see startAside). */
  async finishAside(started: IndexesAside): Promise<AsideTimings | null> {
    const saved = this.saved()
    const t0 = performance.now()
    buildMissingIndexes(this.db, saved.filter((ix) => !started.tables.includes(ix.table)))
    const t1 = performance.now()
    const worker = await started.done.catch(() => null) // a failed worker is logged by finishIndexesAside, which builds its indexes here
    const t2 = performance.now()
    const ok = await finishIndexesAside(this.db, started, saved, this.asideScratch())
    return ok && worker ? { ...worker, othersMs: t1 - t0, waitMs: t2 - t1, transferMs: performance.now() - t2 } : null
  }

  /**
   * Rebuilds the indexes dropped for a bootstrap, each in its own short transaction (a single transaction over all of
   * them would hold the write lock for the whole build and time out the console's writes). Idempotent and resumable:
   * what already exists is skipped; the list is forgotten only when all exist.
   */
  rebuild(onIndex?: (done: number, total: number, name: string) => void): boolean {
    this.restoreTriggers()
    const saved = this.saved()
    if (saved.length === 0) return false
    buildMissingIndexes(this.db, saved, onIndex)
    // a bootstrapped replica has no planner statistics yet (the grid's and the console's plans rely on them)
    analyzeSampled(this.db)
    this.m.setMeta(INDEX_META.savedIndexes, null)
    return true
  }

  /** The names of the store's indexes now. */
  private indexNames(): Set<string> {
    return new Set((this.db.prepare("SELECT name FROM sqlite_master WHERE type='index'").all() as Array<{ name: string }>).map((r) => r.name))
  }

  private asideScratch(): string {
    return `${this.db.name}.bootstrap-indexes`
  }

  private savedTriggers(): SavedTrigger[] {
    const s = this.m.meta(INDEX_META.savedTriggers)
    return s ? (JSON.parse(s) as SavedTrigger[]) : []
  }

  /** Recreates the triggers a bulk bootstrap dropped and rebuilds what they maintain (console_line_groups), at once. */
  private restoreTriggers(): void {
    const saved = this.savedTriggers()
    if (saved.length === 0) return
    this.db.transaction(() => {
      const existing = new Set((this.db.prepare("SELECT name FROM sqlite_master WHERE type='trigger'").all() as Array<{ name: string }>).map((r) => r.name))
      recreateTriggers(
        this.db,
        saved.filter((t) => !existing.has(t.name)),
      )
      rebuildConsoleLineGroups(this.db)
      this.m.setMeta(INDEX_META.savedTriggers, null)
    })()
  }
}
