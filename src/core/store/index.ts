// The local store: one SQLite file opened with its guarded migrations, the write queue, the event bus, the Workspace
// that bundles them, and the bulk-load helpers (index builds and checkpoints off the writer's thread).
export { analyzeSampled, beginBulkLoad, buildMissingIndexes, dropSecondaryIndexes, dropTriggers, endBulkLoad, finishIndexesAside, moveTablesIn, openScratchStore, rebuildConsoleLineGroups, recreateIndexes, recreateTriggers, startCheckpointer, startIndexesAside, tableDdl } from './bulk'
export type { BulkSettings, IndexesAside, SavedIndex, SavedTrigger } from './bulk'
export { EventBus } from './events'
export { workspaceHandlers } from './handlers'
export { openDatabase } from './open'
export type { Db } from './open'
export { Workspace } from './workspace'
