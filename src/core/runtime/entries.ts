// Every worker thread and child process the core starts, in one table: the Electron bundle emits each as its own entry
// (electron.vite.config.ts builds its `main` inputs from this table) and resolve.ts finds each one, from source or from
// the bundle. Entry files are named by where they run: `*.worker.ts` (a worker thread), `*.process.ts` (a child
// process). Plain data, no imports: the build config reads it too.

export type EntryKind = 'worker' | 'process'

export interface EntrySpec {
  kind: EntryKind
  /** the TypeScript entry file, from the repository root */
  source: string
  /** the file the bundle emits beside out/main/index.js */
  bundle: string
  /** who starts it, for docs/ENGINEERING.md's runtime map and the reader of this table */
  startedBy: string
}

export const ENTRIES = {
  'sync-worker': {
    kind: 'worker',
    source: 'src/core/sync/sync.worker.ts',
    bundle: 'sync-worker.js',
    startedBy: 'sync/host.ts WorkerSyncClient: the sync engine (pull, push, live pokes) off the main thread',
  },
  'sync-lane-worker': {
    kind: 'worker',
    source: 'src/core/sync/bootstrap/lane.worker.ts',
    bundle: 'sync-lane-worker.js',
    startedBy: 'sync/bootstrap/lane.ts startLane, from the sync worker: a bulk bootstrap lane',
  },
  'index-worker': {
    kind: 'worker',
    source: 'src/core/store/index-build.worker.ts',
    bundle: 'index-worker.js',
    startedBy: 'store/bulk.ts startIndexesAside: index builds aside during a bulk load',
  },
  'checkpoint-worker': {
    kind: 'worker',
    source: 'src/core/store/checkpoint.worker.ts',
    bundle: 'checkpoint-worker.js',
    startedBy: 'store/bulk.ts startCheckpointer: WAL checkpoints off the writer thread during a bulk load',
  },
  'integrity-worker': {
    kind: 'worker',
    source: 'src/core/store/integrity.worker.ts',
    bundle: 'integrity-worker.js',
    startedBy: 'store/workspace.ts Workspace: quick_check of a big workspace right after it opened',
  },
  'demo-shard-worker': {
    kind: 'worker',
    source: 'src/core/demo/shard.worker.ts',
    bundle: 'demo-shard-worker.js',
    startedBy: 'demo/parallel.ts generateDemoParallel: one shard of a parallel demo build',
  },
  'sql-process': {
    kind: 'process',
    source: 'src/core/reports/sql.process.ts',
    bundle: 'sql-process.js',
    startedBy: 'reports/sql-runner.ts SqlRunner: user SQL, killable at its time limit',
  },
  'dashboards-process': {
    kind: 'process',
    source: 'src/core/reports/dashboards.process.ts',
    bundle: 'dashboards-process.js',
    startedBy: 'reports/dashboards/summaries.ts buildInChild: one dashboard summaries build',
  },
} as const satisfies Record<string, EntrySpec>

export type EntryName = keyof typeof ENTRIES
