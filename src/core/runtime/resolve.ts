// The one way the core finds and starts a worker thread or a child process (entries.ts). From source (tsx: the CLI,
// web mode, benches; vitest) an entry is its TypeScript file, loaded through tsx; in the Electron bundle it is the file
// electron-vite emitted beside the main entries. Which of the two is told by this module itself: its own URL ends in
// `.ts` only when it runs from source.
import { fork, type ChildProcess, type StdioOptions } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { Worker, type ResourceLimits } from 'node:worker_threads'
import { forwardChildLogs, rootLogger } from '../log'
import { ENTRIES, type EntryKind, type EntryName } from './entries'

export interface ResolvedEntry {
  name: EntryName
  kind: EntryKind
  url: URL
  path: string
  /** the Node flags it needs: tsx's loader from source, none in the bundle */
  execArgv: string[]
  fromSource: boolean
}

/**
 * Where entry `name` is. `here` is this module's URL (tests pass another to play a bundle). Null when its file is not
 * there: a bundle built without it; the callers that have an in-thread fallback use it then.
 */
export function findEntry(name: EntryName, here: string = import.meta.url): ResolvedEntry | null {
  const spec = ENTRIES[name]
  if (here.endsWith('.ts')) {
    const url = new URL(`../../../${spec.source}`, here)
    if (!existsSync(fileURLToPath(url))) return null
    return { name, kind: spec.kind, url, path: fileURLToPath(url), execArgv: ['--import', tsxLoader()], fromSource: true }
  }
  // The bundle keeps its chunks beside the entries (electron.vite.config.ts); one folder up covers a chunks/ folder.
  for (const rel of [`./${spec.bundle}`, `../${spec.bundle}`]) {
    const url = new URL(rel, here)
    if (url.protocol === 'file:' && existsSync(fileURLToPath(url))) return { name, kind: spec.kind, url, path: fileURLToPath(url), execArgv: [], fromSource: false }
  }
  return null
}

/** Like findEntry, for the entries the core cannot run without. */
export function resolveEntry(name: EntryName, here?: string): ResolvedEntry {
  const e = findEntry(name, here)
  if (!e) throw new Error(`the ${name} entry (${ENTRIES[name].source}, bundled as ${ENTRIES[name].bundle}) is missing from this build`)
  return e
}

let tsx: string | null = null
/** tsx's loader by absolute URL, so that a worker or child started from any working directory finds it. */
function tsxLoader(): string {
  tsx ??= pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href
  return tsx
}

/** Starts a worker-thread entry. */
export function startWorkerEntry(entry: ResolvedEntry, workerData: unknown, resourceLimits?: ResourceLimits): Worker {
  if (entry.kind !== 'worker') throw new Error(`${entry.name} is a child process entry, not a worker`)
  const w = new Worker(entry.url, { workerData, execArgv: entry.execArgv, resourceLimits })
  track(entry, w.threadId, w)
  return w
}

/**
 * What starts a child-process entry in place of Node's fork. The Electron shell registers one (Electron's
 * utilityProcess, src/main/electron/utility-launcher.ts): a packaged app has the RunAsNode fuse off, so fork, which
 * runs the Electron binary with ELECTRON_RUN_AS_NODE, would start the app again instead of Node.
 */
export type ChildLauncher = (entry: ResolvedEntry, args: string[], opts: { execArgv: string[]; env: NodeJS.ProcessEnv; stdio: StdioOptions }) => ChildProcess

let launcher: ChildLauncher | null = null

/** Registers (or, with null, removes) the launcher forkEntry uses. */
export function setChildLauncher(l: ChildLauncher | null): void {
  launcher = l
}

/**
 * Forks a child-process entry with an IPC channel (advanced serialization); stdout ignored, stderr inherited. Its log
 * records (childLogger) are written through the root logger, as every worker thread's are (forwardWorkerLogs); the
 * caller's reply handler skips them (isLogMessage).
 */
export function forkEntry(entry: ResolvedEntry, opts: { stdio?: StdioOptions } = {}): ChildProcess {
  if (entry.kind !== 'process') throw new Error(`${entry.name} is a worker entry, not a child process`)
  const env: NodeJS.ProcessEnv = { ...process.env }
  const stdio = opts.stdio ?? ['ignore', 'ignore', 'inherit', 'ipc']
  const proc = launcher
    ? launcher(entry, [entryFlag(entry.name)], { execArgv: entry.execArgv, env, stdio })
    : // Inside Electron with no launcher, process.execPath is the Electron binary: run it as Node (needs the RunAsNode fuse).
      fork(entry.path, [entryFlag(entry.name)], { execArgv: entry.execArgv, env: process.versions.electron ? { ...env, ELECTRON_RUN_AS_NODE: '1' } : env, stdio, serialization: 'advanced' })
  // a child that could not be spawned has no pid and emits 'error', maybe never 'exit': nothing to track
  if (proc.pid !== undefined) track(entry, proc.pid, proc)
  forwardChildLogs(proc, rootLogger())
  return proc
}

/** A worker thread (id: its threadId) or child process (id: its pid) started here and not yet exited. */
export interface LiveEntry {
  name: EntryName
  kind: EntryKind
  id: number
}

const live = new Set<LiveEntry>()

function track(entry: ResolvedEntry, id: number, handle: Worker | ChildProcess): void {
  const rec: LiveEntry = { name: entry.name, kind: entry.kind, id }
  live.add(rec)
  handle.once('exit', () => live.delete(rec))
}

/** The workers and child processes of this thread still running: what a stop must leave empty. */
export function liveEntries(): LiveEntry[] {
  return [...live]
}

const entryFlag = (name: EntryName) => `--wingtel-entry=${name}`

/**
 * True in the child process forkEntry started for `name`. An entry module checks this before it listens on the IPC
 * channel, because a module with a channel is not always its entry: vitest's forks pool gives every test file one.
 */
export function isEntryProcess(name: EntryName): boolean {
  return process.argv.includes(entryFlag(name))
}
