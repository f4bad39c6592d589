// `--as <role>` acts for one process only (issue 11, attack 7: "a killed `--as operator` run leaves the workspace
// signed in as operator"), and only in the sandbox: with a real backend the role is the server's.
import { spawn } from 'node:child_process'
import { resolve } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApi, createCaller } from '../core/app'
import { makeTestWorkspace } from '../core/reports/test-workspace'
import { cli } from './testing'

const ROOT = resolve(__dirname, '../..')
const SENTENCE = 'Suspend all lines with more than 3 consecutive failed payments'

let t: Awaited<ReturnType<typeof makeTestWorkspace>>
beforeAll(async () => {
  t = await makeTestWorkspace({ lines: 300, months: 3, seed: 5 })
})
afterAll(() => t?.dispose())

/** the stored console session, read on a connection of its own */
function storedSession(path: string): string | null {
  const db = new Database(path, { readonly: true, fileMustExist: true })
  try {
    const row = db.prepare("SELECT value FROM meta WHERE key = 'session.user'").get() as { value: string } | undefined
    return row ? (JSON.parse(row.value) as { id: string }).id : null
  } finally {
    db.close()
  }
}

describe('--as acts for one process only', () => {
  it('attack 7: a SIGKILLed `console commit --as operator` leaves the stored session as it was', async () => {
    await createCaller(createApi(t.ws)).console.session.signInDemo({ role: 'analyst' })
    expect(storedSession(t.path)).toBe('demo-analyst')
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', 'console', 'commit', SENTENCE, '--yes', '--as', 'operator', '--json', '--db', t.path], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    // killed the moment it says it acts as operator (before this fix it said nothing, wrote the operator into the
    // workspace first and put the analyst back only at the end: a kill in between left it signed in as operator)
    const why = await new Promise<string>((done) => {
      let err = ''
      child.stderr.on('data', (d) => {
        err += String(d)
        if (/acting as .*operator.*DEMO.*for this command only/.test(err) && !child.killed) {
          child.kill('SIGKILL')
          done('notice')
        }
      })
      child.on('exit', () => done(`exited by itself: ${err}`))
    })
    await new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r(null) : child.on('exit', r)))
    expect(why).toBe('notice')
    expect(storedSession(t.path)).toBe('demo-analyst')
    // and nothing was committed by the killed run
    expect(t.ws.db.prepare("SELECT count(*) FROM op_batches WHERE role = 'operator'").pluck().get()).toBe(0)
  }, 60_000)

  it('a completed --as run commits as the demo operator and stores nothing', async () => {
    await createCaller(createApi(t.ws)).console.session.signInDemo({ role: 'analyst' })
    // --yes needs the canonical text of what will run (attack 6): the refusal names it
    const ask = await cli(['console', 'commit', SENTENCE, '--yes', '--as', 'operator', '--json', '--db', t.path])
    const canonical = (ask.json as { canonical: string[] }).canonical[0]
    const r = await cli(['console', 'commit', SENTENCE, '--yes', '--canonical', canonical, '--as', 'operator', '--json', '--db', t.path])
    expect(r.code).toBe(0)
    expect(r.err).toMatch(/acting as Olivia Ortiz \(operator, DEMO\) for this command only/)
    expect(t.ws.db.prepare('SELECT actor, role FROM op_batches ORDER BY created_at DESC LIMIT 1').get()).toEqual({ actor: 'demo-operator', role: 'operator' })
    expect(storedSession(t.path)).toBe('demo-analyst')
  })

  it('attack 7: with a real backend --as and demo sign-in are refused: the role is the server\'s', async () => {
    const api = createCaller(createApi(t.ws))
    t.ws.setMeta('sync.source', 'postgres')
    try {
      const r = await cli(['console', 'commit', SENTENCE, '--yes', '--as', 'operator', '--json', '--db', t.path])
      expect(r.code).not.toBe(0)
      expect(`${r.err}${JSON.stringify(r.json)}`).toMatch(/role comes from the server/)
      await expect(api.console.session.signInDemo({ role: 'operator' })).rejects.toThrow(/role comes from the server/)
      const s = await api.console.session.current()
      expect(s).toMatchObject({ user: null, mode: 'server', canCommit: false })
    } finally {
      t.ws.setMeta('sync.source', 'sandbox')
    }
  })
})
