// The core's child processes (the SQL runner, the dashboards builder) as Electron utility processes. A packaged app has
// the RunAsNode fuse off (scripts/after-pack.mjs), and child_process.fork runs process.execPath, the Electron binary,
// with ELECTRON_RUN_AS_NODE: without the fuse that starts the app again instead of Node. utilityProcess.fork runs a
// Node child through Chromium's service launcher instead, which the fuse does not touch.
//
// The core talks to a child as a ChildProcess (send, 'message', 'exit', kill) and the child to its parent through
// process.send / process.on('message'). Here the parent side is a ChildProcess-shaped wrapper over the UtilityProcess,
// and the child first runs utility-entry.ts, which maps process.send onto process.parentPort (utility-shim.ts) and then
// imports the entry. No Electron import at run time: main/index.ts passes utilityProcess.fork in, and the tests a fake.
import type { ChildProcess, StdioOptions } from 'node:child_process'
import { EventEmitter } from 'node:events'
import type { ChildLauncher } from '../../core/runtime'
import { TARGET_FLAG } from './utility-shim'

/** What this module uses of Electron's UtilityProcess. */
export interface UtilityProcessLike {
  readonly pid: number | undefined
  postMessage(message: unknown): void
  kill(): boolean
  on(event: 'message', listener: (message: unknown) => void): unknown
  on(event: 'exit', listener: (code: number) => void): unknown
  on(event: 'spawn', listener: () => void): unknown
  on(event: 'error', listener: (type: string, location: string) => void): unknown
}

export type UtilityFork = (
  modulePath: string,
  args: string[],
  options: { env: NodeJS.ProcessEnv; execArgv: string[]; stdio: 'ignore' | 'inherit' | 'pipe' | ['ignore', 'ignore' | 'inherit' | 'pipe', 'ignore' | 'inherit' | 'pipe']; serviceName: string },
) => UtilityProcessLike

type OutMode = 'ignore' | 'inherit' | 'pipe'

/** Node's stdio for a fork (stdin, stdout, stderr, 'ipc') as a utility process takes it: stdin is always ignored. */
function utilityStdio(stdio: StdioOptions): ['ignore', OutMode, OutMode] {
  const pick = (v: unknown): OutMode => (v === 'inherit' || v === 'pipe' ? v : 'ignore')
  if (typeof stdio === 'string') return ['ignore', pick(stdio), pick(stdio)]
  return ['ignore', pick(stdio[1]), pick(stdio[2])]
}

/** A UtilityProcess seen as the ChildProcess the core expects (the members sql-runner, summaries and the log use). */
class UtilityChild extends EventEmitter {
  connected = true
  readonly channel = undefined

  constructor(
    private readonly child: UtilityProcessLike,
    name: string,
  ) {
    super()
    child.on('message', (message) => this.emit('message', message))
    child.on('spawn', () => this.emit('spawn'))
    child.on('error', (type, location) => this.emit('error', new Error(`the ${name} process failed: ${type} (${location})`)))
    child.on('exit', (code) => {
      this.connected = false
      this.emit('exit', code, null)
    })
  }

  get pid(): number | undefined {
    return this.child.pid
  }

  send(message: unknown, ...rest: unknown[]): boolean {
    if (!this.connected) return false
    this.child.postMessage(message)
    const callback = rest.find((r) => typeof r === 'function') as ((e: Error | null) => void) | undefined
    if (callback) queueMicrotask(() => callback(null))
    return true
  }

  kill(): boolean {
    return this.child.kill()
  }

  // a utility process never holds the main process open: nothing to ref or unref
  ref(): void {}
  unref(): void {}
}

/** The launcher main/index.ts registers with the core (setChildLauncher). `entryScript` is the built utility-entry.js. */
export function utilityLauncher(forkUtility: UtilityFork, entryScript: string): ChildLauncher {
  return (entry, args, opts) => {
    const env = { ...opts.env }
    delete env.ELECTRON_RUN_AS_NODE
    const child = forkUtility(entryScript, [`${TARGET_FLAG}${entry.path}`, ...args], {
      env,
      execArgv: opts.execArgv,
      stdio: utilityStdio(opts.stdio),
      serviceName: `Wingtel Ops ${entry.name}`,
    })
    return new UtilityChild(child, entry.name) as unknown as ChildProcess
  }
}
