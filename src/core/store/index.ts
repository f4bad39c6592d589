// The local store: one SQLite file opened with its guarded migrations, the write queue, the event bus, the Workspace
// that bundles them, and the bulk-load helpers (index builds and checkpoints off the writer's thread).
export { analyzeSampled, beginBulkLoad, buildMissingIndexes, dropSecondaryIndexes, dropTriggers, endBulkLoad, findWorkerScript, finishIndexesAside, moveTablesIn, openScratchStore, rebuildConsoleLineGroups, recreateIndexes, recreateTriggers, sourceWorkerScript, startCheckpointer, startIndexesAside, startSourceWorker, startWorker, tableDdl } from './bulk'
export type { BulkSettings, IndexesAside, SavedIndex, SavedTrigger, WorkerScript } from './bulk'
export { EventBus } from './events'
export { workspaceHandlers } from './handlers'
export { openDatabase } from './open'
export type { Db } from './open'
export { defaultDbPath } from './paths'
export { Workspace } from './workspace'
