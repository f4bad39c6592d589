import { fork } from 'node:child_process'
import { EventEmitter } from 'node:events'
import { createRequire } from 'node:module'
import { pathToFileURL } from 'node:url'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ChildProcess } from 'node:child_process'
import { afterEach, describe, expect, it } from 'vitest'
import { createLogger, forwardChildLogs, forwardWorkerLogs, isLogMessage, LEVELS, logFileFor, memoryLogger, RotatingFile, workerLogger, type LogRecord } from '.'

const dirs: string[] = []
const tmp = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'wingtel-log-'))
  dirs.push(d)
  return d
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

const lines = (path: string): LogRecord[] =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as LogRecord)

describe('createLogger', () => {
  it('writes JSON lines to the file, with the domain of a child logger and the stack of an error', () => {
    const file = join(tmp(), 'logs', 'wingtel.log')
    const log = createLogger({ file, level: 'info' })
    log.child({ domain: 'sync' }).error({ err: new Error('boom') }, 'pull failed')
    log.debug('below the level')
    log.closeFile()
    const [rec, ...rest] = lines(file)
    expect(rest).toEqual([])
    expect(rec).toMatchObject({ level: LEVELS.error, domain: 'sync', msg: 'pull failed', err: { message: 'boom', type: 'Error' } })
    expect((rec.err as { stack: string }).stack).toContain('log.test.ts')
  })

  it('puts the log file in a logs folder beside the workspace, and none for an in-memory one', () => {
    expect(logFileFor('/data/ws/workspace.sqlite')).toBe(join('/data/ws', 'logs', 'wingtel.log'))
    expect(logFileFor(':memory:')).toBeUndefined()
  })
})

describe('RotatingFile', () => {
  it('rotates before a write would pass the size, keeping only the newest files', () => {
    const path = join(tmp(), 'app.log')
    const f = new RotatingFile({ path, maxBytes: 10, keep: 2 })
    for (const l of ['aaaaaa\n', 'bbbbbb\n', 'cccccc\n', 'dddddd\n']) f.write(l)
    f.close()
    expect(readFileSync(path, 'utf8')).toBe('dddddd\n')
    expect(readFileSync(`${path}.1`, 'utf8')).toBe('cccccc\n')
    expect(readFileSync(`${path}.2`, 'utf8')).toBe('bbbbbb\n')
    expect(existsSync(`${path}.3`)).toBe(false)
  })

  it('appends to an existing file and counts its size', () => {
    const path = join(tmp(), 'app.log')
    const a = new RotatingFile({ path, maxBytes: 10 })
    a.write('123456\n')
    a.close()
    const b = new RotatingFile({ path, maxBytes: 10 })
    b.write('789\n')
    b.close()
    expect(readFileSync(`${path}.1`, 'utf8')).toBe('123456\n')
    expect(readFileSync(path, 'utf8')).toBe('789\n')
  })
})

describe('forwarding', () => {
  it('relays a worker logger’s records to the forwarding logger, with the worker’s name and level', async () => {
    const channel = `wingtel:log:test:${process.pid}:${Math.random()}`
    const got: LogRecord[] = []
    let arrived!: () => void
    const first = new Promise<void>((ok) => (arrived = ok))
    const parent = createLogger({ level: 'info', destination: { write: (l: string) => (got.push(JSON.parse(l) as LogRecord), arrived()) } })
    const stop = forwardWorkerLogs(parent, channel)
    try {
      workerLogger('lane-3', { channel }).warn({ table: 'lines' }, 'lane slow')
      await first
      expect(got).toEqual([expect.objectContaining({ level: LEVELS.warn, worker: 'lane-3', table: 'lines', msg: 'lane slow' })])
    } finally {
      stop()
    }
  })

  it('relays a child process’s log messages and leaves its replies alone', () => {
    const { log, records } = memoryLogger()
    const proc = new EventEmitter() as unknown as ChildProcess
    forwardChildLogs(proc, log)
    const line = JSON.stringify({ level: LEVELS.error, time: 1, pid: 42, worker: 'sql-runner', msg: 'statement failed', err: { message: 'x', stack: 'Error: x\n at y' } })
    proc.emit('message', { wingtelLog: line })
    proc.emit('message', { id: 1, ok: true })
    expect(records).toEqual([expect.objectContaining({ level: LEVELS.error, worker: 'sql-runner', msg: 'statement failed', err: expect.objectContaining({ message: 'x', stack: 'Error: x\n at y' }) })])
    expect(records[0].pid).toBe(process.pid)
    expect(isLogMessage({ wingtelLog: line })).toBe(true)
    expect(isLogMessage({ id: 1, ok: true })).toBe(false)
  })

  it('a child that logs after its parent has disconnected neither crashes nor hangs', async () => {
    const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href
    const proc = fork(join(__dirname, 'test-orphan-child.ts'), [], { execArgv: ['--import', tsx], stdio: ['ignore', 'pipe', 'pipe', 'ipc'] })
    let out = ''
    let err = ''
    proc.stdout!.on('data', (d: Buffer) => (out += d))
    proc.stderr!.on('data', (d: Buffer) => (err += d))
    proc.once('message', () => proc.disconnect())
    const code = await new Promise<number | null>((ok) => proc.once('exit', ok))
    expect({ code, out, err }).toEqual({ code: 0, out: 'survived\n', err: '' })
  })
})
