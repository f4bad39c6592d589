// Inside an Electron utility process there is no process.send: the parent is process.parentPort. The core's child
// entries (and childLogger) speak process.send / process.on('message') / process.connected, so this maps those onto
// the port before the entry loads (utility-entry.ts). Plain Node: no Electron import.

/** The argument that tells utility-entry.ts which entry file to load. */
export const TARGET_FLAG = '--wingtel-utility-target='

export interface ParentPortLike {
  on(event: 'message', listener: (event: { data: unknown }) => void): unknown
  postMessage(message: unknown): void
}

type ProcessLike = NodeJS.EventEmitter & {
  send?: (...args: never[]) => boolean
  connected?: boolean
  parentPort?: ParentPortLike
}

/** Installs the mapping on `proc` when it is a utility process (a parentPort, no send); says whether it did. */
export function installParentPortShim(proc: ProcessLike): boolean {
  const port = proc.parentPort
  if (!port || typeof proc.send === 'function') return false
  const send = (message: unknown, ...rest: unknown[]): boolean => {
    port.postMessage(message)
    const callback = rest.find((r) => typeof r === 'function') as ((e: Error | null) => void) | undefined
    if (callback) queueMicrotask(() => callback(null))
    return true
  }
  Object.defineProperty(proc, 'send', { value: send, configurable: true, writable: true })
  Object.defineProperty(proc, 'connected', { value: true, configurable: true, writable: true })
  port.on('message', (event) => proc.emit('message', event.data))
  return true
}

/** The entry file utility-entry.ts is to load, from its arguments. */
export function utilityTarget(argv: readonly string[]): string {
  const target = argv.find((a) => a.startsWith(TARGET_FLAG))?.slice(TARGET_FLAG.length)
  if (!target) throw new Error(`utility-entry: no entry to load (${TARGET_FLAG}<file> missing)`)
  return target
}
