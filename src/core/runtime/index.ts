// Where the core's code runs: the table of worker and child-process entries and the one way to find and start them.
export { ENTRIES } from './entries'
export type { EntryKind, EntryName, EntrySpec } from './entries'
export { findEntry, forkEntry, isEntryProcess, liveEntries, resolveEntry, setChildLauncher, startWorkerEntry } from './resolve'
export type { ChildLauncher, LiveEntry, ResolvedEntry } from './resolve'
export { DisposableStore } from './lifecycle'
export type { Disposable } from './lifecycle'
