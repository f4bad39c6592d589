// Worker threads and child processes log into the parent's file. Threads post each JSON line on a process-wide
// BroadcastChannel, so a worker started from a worker (the lanes, from the sync worker) reaches the main thread the
// same way, and no start-up site has to wire a port. Child processes send it over their IPC channel instead, under a
// key that their parent's reply handler recognizes with `isLogMessage` and skips; forkEntry (src/core/runtime) relays
// them for every child it starts.
import { BroadcastChannel } from 'node:worker_threads'
import type { ChildProcess } from 'node:child_process'
import pino from 'pino'
import { createLogger, type Logger, type LogLevel } from './logger'

export const LOG_CHANNEL = 'wingtel:log'
const LOG_KEY = 'wingtelLog'

/** The logger of a worker thread: its records go to whoever called `forwardWorkerLogs` in the process. */
export function workerLogger(name: string, opts: { level?: LogLevel; channel?: string } = {}): Logger {
  const channel = new BroadcastChannel(opts.channel ?? LOG_CHANNEL)
  // logging must never keep a finished worker alive
  channel.unref()
  return createLogger({ level: opts.level ?? 'debug', destination: { write: (line: string) => channel.postMessage(line) } }).child({ worker: name })
}

/** Called once per process by the composition root: writes every worker's records through `log`. Returns stop. */
export function forwardWorkerLogs(log: Logger, channel: string = LOG_CHANNEL): () => void {
  const ch = new BroadcastChannel(channel)
  ch.unref()
  ch.onmessage = (e) => relay(log, (e as { data: unknown }).data)
  return () => ch.close()
}

/** The logger of a child process started with an IPC channel (fork). */
export function childLogger(name: string, level: LogLevel = 'debug'): Logger {
  return createLogger({
    level,
    destination: {
      write: (line: string) => {
        // once the parent has gone (it may kill a child it no longer needs) there is no one left to tell: the
        // callback takes the send error that would otherwise crash the child as an unhandled 'error' event
        if (process.connected) process.send?.({ [LOG_KEY]: line }, undefined, {}, () => undefined)
      },
    },
  }).child({ worker: name })
}

export function isLogMessage(m: unknown): m is { [LOG_KEY]: string } {
  return typeof m === 'object' && m !== null && typeof (m as Record<string, unknown>)[LOG_KEY] === 'string'
}

/** Writes a forked child's records through `log`; its other messages are left to the caller's handler. */
export function forwardChildLogs(proc: ChildProcess, log: Logger): void {
  proc.on('message', (m: unknown) => {
    if (isLogMessage(m)) relay(log, m[LOG_KEY])
  })
}

function relay(log: Logger, line: unknown): void {
  if (typeof line !== 'string') return
  let record: Record<string, unknown>
  try {
    record = JSON.parse(line) as Record<string, unknown>
  } catch (e) {
    log.warn({ err: e }, 'unreadable log record from a worker')
    return
  }
  // time, pid and hostname are the parent's to stamp; the worker keeps its name through the `worker` field
  const { level, msg, time: _time, pid: _pid, hostname: _hostname, ...fields } = record
  const label = (typeof level === 'number' && pino.levels.labels[level]) || 'info'
  log[label as pino.Level](fields, typeof msg === 'string' ? msg : undefined)
}
