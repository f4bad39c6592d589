// The core's structured logger (pino): JSON lines to a rotating file in the workspace folder, one child per domain
// (`log.child({ domain: 'sync' })`). The composition root creates it and passes it down; `rootLogger()` is for the few
// places where injection is impractical (catch blocks deep in a domain), and writes only errors to stderr until the
// root sets the real one (so tests and tools that never set one are not flooded with slow-query warnings). No line
// leaves with a secret in it (redact.ts).
import { dirname, join } from 'node:path'
import pino from 'pino'
import { REDACT_PATHS, scrubSecrets } from './redact'
import { RotatingFile } from './rotating-file'

export type Logger = pino.Logger
export type LogLevel = pino.LevelWithSilent

export interface LoggerOptions {
  /** the log file; without it records go to `destination`, or to stderr */
  file?: string
  /** default 'info' */
  level?: LogLevel
  /** rotation of `file` (defaults: 10 MB, 5 kept) */
  maxBytes?: number
  keep?: number
  /** any sink with write(line): tests and the worker forwarders use it */
  destination?: { write(line: string): unknown }
}

export interface FileLogger extends Logger {
  /** closes the log file (a no-op when there is none) */
  closeFile(): void
}

export function createLogger(opts: LoggerOptions = {}): FileLogger {
  const file = opts.file ? new RotatingFile({ path: opts.file, maxBytes: opts.maxBytes, keep: opts.keep }) : null
  const sink = file ?? opts.destination ?? pino.destination({ fd: 2, sync: true })
  // every line is scrubbed of secrets (the web token, URL passwords) before it is written anywhere
  const destination = { write: (line: string) => sink.write(scrubSecrets(line)) }
  const log = pino({ level: opts.level ?? 'info', base: { pid: process.pid }, redact: { paths: REDACT_PATHS, censor: '***' } }, destination) as FileLogger
  log.closeFile = () => file?.close()
  return log
}

/** `<workspace folder>/logs/wingtel.log`, beside the workspace file; none for an in-memory workspace. */
export function logFileFor(dbPath: string): string | undefined {
  return dbPath === ':memory:' ? undefined : join(dirname(dbPath), 'logs', 'wingtel.log')
}

export interface LogRecord {
  level: number
  msg?: string
  [field: string]: unknown
}

/** A logger that keeps its records in memory, parsed, for tests to assert on. */
export function memoryLogger(level: LogLevel = 'trace'): { log: Logger; records: LogRecord[] } {
  const records: LogRecord[] = []
  const log = createLogger({ level, destination: { write: (line: string) => records.push(JSON.parse(line) as LogRecord) } })
  return { log, records }
}

export function silentLogger(): Logger {
  return pino({ level: 'silent' })
}

/** The numeric pino level of a label, for asserting on records. */
export const LEVELS: Readonly<Record<string, number>> = pino.levels.values

let root: Logger | null = null

/** Set once by the composition root; until then `rootLogger()` writes errors to stderr. */
export function setRootLogger(log: Logger): void {
  root = log
}

export function rootLogger(): Logger {
  root ??= createLogger({ level: 'error' })
  return root
}

/** A child of the root logger for one domain, resolved at each call so that it follows `setRootLogger`. */
export function domainLogger(domain: string): () => Logger {
  let parent: Logger | null = null
  let child: Logger | null = null
  return () => {
    const r = rootLogger()
    if (r !== parent) {
      parent = r
      child = r.child({ domain })
    }
    return child!
  }
}
