// Release hardening (issue 11): the packaged app has the RunAsNode fuse off, so the core's child processes (SQL
// runner, dashboards builder) cannot be forked from the Electron binary; they run as Electron utility processes. No
// Electron here: utilityProcess.fork is played by a Node child that looks like a utility process
// (test-utility-process.mjs: a parentPort, no process.send), and the real SQL child runs through our launcher, shim
// and utility-entry.ts.
import { fork } from 'node:child_process'
import { EventEmitter } from 'node:events'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { forkEntry, resolveEntry, setChildLauncher } from '../../core/runtime'
import { utilityLauncher, type UtilityFork, type UtilityProcessLike } from './utility-launcher'
import { installParentPortShim, TARGET_FLAG, utilityTarget } from './utility-shim'

const UTILITY_ENTRY = join(__dirname, '..', 'utility-entry.ts')
const FAKE_UTILITY = pathToFileURL(join(__dirname, 'test-utility-process.mjs')).href

/** utilityProcess.fork, played by Node: a child with a parentPort and no process.send. */
const nodeUtilityFork: UtilityFork = (modulePath, args, options) => {
  const child = fork(modulePath, args, {
    env: options.env,
    execArgv: [...options.execArgv, '--import', FAKE_UTILITY],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    serialization: 'advanced',
  })
  const up: UtilityProcessLike = {
    get pid() {
      return child.pid
    },
    postMessage: (m) => void child.send(m as object),
    kill: () => child.kill('SIGKILL'),
    on: (event: string, listener: (...a: never[]) => void) => {
      if (event === 'exit') child.on('exit', (code) => (listener as (c: number) => void)(code ?? -1))
      else if (event !== 'error') child.on(event, listener as (...a: unknown[]) => void)
      return up
    },
  }
  return up
}

const dirs: string[] = []
afterEach(() => {
  setChildLauncher(null)
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

describe('the core child processes as utility processes', () => {
  it('runs the real SQL child through the launcher, the shim and utility-entry, with no ELECTRON_RUN_AS_NODE', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wingtel-utility-'))
    dirs.push(dir)
    const dbPath = join(dir, 'ws.sqlite')
    const db = new Database(dbPath)
    db.exec("create table lines(msisdn text); insert into lines values ('+15550100'), ('+15550101')")
    db.close()
    const launched: { args: string[]; env: NodeJS.ProcessEnv; stdio: unknown }[] = []
    setChildLauncher(
      utilityLauncher((path, args, options) => {
        launched.push({ args, env: options.env, stdio: options.stdio })
        return nodeUtilityFork(path, args, options)
      }, UTILITY_ENTRY),
    )
    process.env.ELECTRON_RUN_AS_NODE = '1' // as the Electron main process might have it: it must not reach the child
    let child
    try {
      child = forkEntry(resolveEntry('sql-process'))
    } finally {
      delete process.env.ELECTRON_RUN_AS_NODE
    }
    const reply = await new Promise<{ ok: boolean; rows: unknown[][] }>((resolve) => {
      child.on('message', (m: { id?: number; ok: boolean; rows: unknown[][] }) => m.id === 7 && resolve(m))
      child.send({ id: 7, dbPath, sql: 'select msisdn from lines order by msisdn', maxRows: 10, maxBytes: 1_000_000 })
    })
    expect(reply).toMatchObject({ ok: true, rows: [['+15550100'], ['+15550101']] })
    expect(launched).toHaveLength(1)
    expect(launched[0].args).toEqual([`${TARGET_FLAG}${resolveEntry('sql-process').path}`, '--wingtel-entry=sql-process'])
    expect(launched[0].env.ELECTRON_RUN_AS_NODE).toBeUndefined()
    expect(launched[0].stdio).toEqual(['ignore', 'ignore', 'inherit'])
    const exited = new Promise<unknown>((resolve) => child.once('exit', resolve))
    expect(child.kill('SIGKILL')).toBe(true)
    await exited
    expect(child.connected).toBe(false)
    expect(child.send({ id: 8 })).toBe(false)
  })
})

describe('utilityLauncher', () => {
  it('relays messages, exit and fatal errors of the utility process, and acks a send with a callback', async () => {
    const fake = Object.assign(new EventEmitter(), { pid: 42, posted: [] as unknown[], killed: 0 })
    const up: UtilityProcessLike = {
      pid: 42,
      postMessage: (m) => void fake.posted.push(m),
      kill: () => ++fake.killed > 0,
      on: (event: string, listener: (...a: never[]) => void) => (fake.on(event, listener as (...a: unknown[]) => void), up),
    }
    const launch = utilityLauncher(() => up, '/app/out/main/utility-entry.js')
    const child = launch(resolveEntry('dashboards-process'), ['--wingtel-entry=dashboards-process'], { execArgv: [], env: {}, stdio: 'inherit' })
    const seen: unknown[] = []
    child.on('message', (m) => seen.push(['message', m]))
    child.on('error', (e) => seen.push(['error', e.message]))
    child.on('exit', (code, signal) => seen.push(['exit', code, signal]))
    expect(child.pid).toBe(42)
    await new Promise<void>((acked) => child.send({ build: 1 }, undefined, {}, () => acked()))
    expect(fake.posted).toEqual([{ build: 1 }])
    fake.emit('message', { ok: true })
    fake.emit('error', 'FatalError', 'v8 heap')
    fake.emit('exit', 3)
    expect(seen).toEqual([
      ['message', { ok: true }],
      ['error', 'the dashboards-process process failed: FatalError (v8 heap)'],
      ['exit', 3, null],
    ])
    child.kill()
    expect(fake.killed).toBe(1)
  })
})

describe('installParentPortShim', () => {
  it('maps send and message onto the parent port in a utility process, and does nothing in plain Node', async () => {
    const posted: unknown[] = []
    let deliver: (e: { data: unknown }) => void = () => undefined
    const proc = Object.assign(new EventEmitter(), {
      parentPort: { on: (_e: 'message', l: (e: { data: unknown }) => void) => (deliver = l), postMessage: (m: unknown) => void posted.push(m) },
    }) as EventEmitter & { send?: (m: unknown, ...rest: unknown[]) => boolean; connected?: boolean }
    expect(installParentPortShim(proc)).toBe(true)
    const got: unknown[] = []
    proc.on('message', (m) => got.push(m))
    deliver({ data: { id: 1 } })
    expect(got).toEqual([{ id: 1 }])
    await new Promise<void>((acked) => proc.send?.({ log: 'line' }, undefined, {}, () => acked()))
    expect(posted).toEqual([{ log: 'line' }])
    expect(proc.connected).toBe(true)
    // a Node child (it has send) or a process with no port is left as it is
    expect(installParentPortShim(Object.assign(new EventEmitter(), { send: () => true }))).toBe(false)
    expect(installParentPortShim(new EventEmitter())).toBe(false)
  })

  it('tells utility-entry which file to load, and refuses to guess', () => {
    expect(utilityTarget(['/electron', '/app/utility-entry.js', `${TARGET_FLAG}/app/sql-process.js`, '--wingtel-entry=sql-process'])).toBe('/app/sql-process.js')
    expect(() => utilityTarget(['/electron', '/app/utility-entry.js'])).toThrow(/no entry to load/)
  })
})
