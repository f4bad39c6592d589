// Killed mid-work: the app (the CLI, as a child process, the engine in its worker thread) gets SIGKILL mid-bootstrap and
// mid-push, triggered by its own progress output. After a restart the replica equals the server (whole-table
// checksums) and every op was applied exactly once (ledger, applied_ops).
// Real PostgreSQL with TEST_DATABASE_URL (`--url`); else the sandbox (PGlite persisted in a folder, WINGTEL_SANDBOX_DIR).
import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fromPglite } from '../../central/client'
import { applyCentralMigrations } from '../../central/migrate'
import { openDatabase } from '../store'
import { META } from './replica'
import { createTestCentral, seedSmall, type TestCentral } from './testing/test-central'
import { centralChecksums, insertLocalOps, localChecksums, pullPast, writeXid } from './testing/test-checksums'

const ROOT = resolve(import.meta.dirname, '../../..')
const usePg = Boolean(process.env.TEST_DATABASE_URL)

let dir: string
let central: TestCentral
let sandboxDir: string

/** For PGlite: the sandbox folder, opened only while no CLI child has it. */
async function withSandbox<T>(fn: (c: TestCentral) => Promise<T>): Promise<T> {
  const pg = await PGlite.create(join(sandboxDir, 'pgdata'))
  const client = fromPglite(pg)
  const c: TestCentral = {
    kind: 'pglite',
    url: null,
    client,
    sql: async <R,>(text: string, params?: unknown[]) => (await client.query<R>(text, params)).rows,
    remote: () => {
      throw new Error('not here')
    },
    close: () => pg.close(),
  }
  try {
    return await fn(c)
  } finally {
    await pg.close()
  }
}

function central_<T>(fn: (c: TestCentral) => Promise<T>): Promise<T> {
  return usePg ? fn(central) : withSandbox(fn)
}

interface Run {
  code: number | null
  signal: string | null
  stdout: string
  events: Array<Record<string, unknown>>
}

/** Runs the CLI; `killWhen` sees each progress event and returns true to SIGKILL the process right there. */
function cli(args: string[], killWhen?: (e: Record<string, unknown>) => boolean): Promise<Run> {
  const remote = usePg ? ['--url', central.url!] : []
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', ...args, '--db', join(dir, 'ws.sqlite'), ...remote, '--json', '--progress'], {
    cwd: ROOT,
    // one worker lane (lines, accounts, usage_daily) whatever this machine's core count
    env: { ...process.env, WINGTEL_SANDBOX_DIR: sandboxDir, WINGTEL_BOOTSTRAP_LANES: 'accounts,lines,usage_daily' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const run: Run = { code: null, signal: null, stdout: '', events: [] }
  let buf = ''
  child.stdout.on('data', (d) => (run.stdout += d))
  child.stderr.on('data', (d) => {
    buf += d
    let i
    while ((i = buf.indexOf('\n')) >= 0) {
      const lineText = buf.slice(0, i)
      buf = buf.slice(i + 1)
      if (!lineText.startsWith('{')) continue
      const e = JSON.parse(lineText) as Record<string, unknown>
      run.events.push(e)
      if (killWhen?.(e) && !child.killed) child.kill('SIGKILL')
    }
  })
  return new Promise((res) =>
    child.on('exit', (code, signal) => {
      run.code = code
      run.signal = signal
      res(run)
    }),
  )
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wt-kill-'))
  sandboxDir = join(dir, 'sandbox')
  mkdirSync(sandboxDir, { recursive: true })
  if (usePg) {
    central = await createTestCentral()
    await seedSmall(central, 1500, 3)
  } else {
    await withSandbox(async (c) => {
      await applyCentralMigrations(c.client)
      await seedSmall({ ...c, client: c.client } as TestCentral, 1500, 3)
    })
  }
}, 180_000)
afterAll(async () => {
  await central?.close()
  rmSync(dir, { recursive: true, force: true })
})

describe(`killed mid-work (${usePg ? 'PostgreSQL' : 'sandbox PGlite'})`, () => {
  it('SIGKILL mid-bootstrap: the restart resumes at the stored cursor and converges', { timeout: 300_000 }, async () => {
    // on PostgreSQL the bulk bootstrap's worker lane (a thread copying lines, accounts and usage_daily into a scratch
    // replica) is killed too, once it has stored something
    const killed = await cli(['sync', 'pull', '--limit', '150'], (e) => e.event === 'page' && Number(e.pages) >= 8 && (!usePg || Number(e.lane_rows) > 0))
    expect(killed.signal).toBe('SIGKILL')
    const scratch = join(dir, 'ws.sqlite.bootstrap-lane-0')
    expect(existsSync(scratch)).toBe(usePg)
    const db = openDatabase(join(dir, 'ws.sqlite'))
    const cursor = db.prepare('SELECT value FROM meta WHERE key = ?').get(META.cursor) as { value: string } | undefined
    const rowsAtKill = Number((db.prepare('SELECT value FROM meta WHERE key = ?').get(META.bootstrapRows) as { value: string }).value)
    db.close()
    expect(cursor?.value).toBeTruthy() // mid-bootstrap, with a durable cursor
    expect(rowsAtKill).toBeGreaterThanOrEqual(8 * 150)

    const again = await cli(['sync', 'pull', '--limit', '150'])
    expect(again.code).toBe(0)
    const summary = JSON.parse(again.stdout) as { bootstrapped: boolean; changes: number }
    expect(summary.bootstrapped).toBe(false) // resumed, not restarted
    const db2 = openDatabase(join(dir, 'ws.sqlite'))
    try {
      expect(localChecksums(db2)).toEqual(await central_((c) => centralChecksums(c)))
    } finally {
      db2.close()
    }
    expect(existsSync(scratch)).toBe(false)
  })

  it('SIGKILL mid-push: after the restart every op was applied exactly once', { timeout: 300_000 }, async () => {
    const db = openDatabase(join(dir, 'ws.sqlite'))
    const lines = (db.prepare('SELECT id FROM lines ORDER BY id LIMIT 1200').all() as Array<{ id: number }>).map((r) => r.id)
    insertLocalOps(
      db,
      lines.map((id) => ({ line: id, action: 'tag', params: { tag: 'killtest' } })),
      'b-kill',
    )
    const clientId = (db.prepare('SELECT value FROM meta WHERE key = ?').get(META.clientId) as { value: string }).value
    db.close()

    const killed = await cli(['sync', 'push', '--batch', '50'], (e) => e.event === 'pushed' && Number(e.applied) >= 100)
    expect(killed.signal).toBe('SIGKILL')
    const again = await cli(['sync', 'push', '--batch', '50'])
    expect(again.code).toBe(0)

    const db2 = openDatabase(join(dir, 'ws.sqlite'))
    try {
      expect(db2.prepare('SELECT status, count(*) AS n FROM operations GROUP BY status').all()).toEqual([{ status: 'applied', n: 1200 }])
      const counts = await central_(async (c) => ({
        ledger: (await c.sql<{ n: number }>('SELECT count(*)::int AS n, count(DISTINCT op_id)::int AS d FROM ledger WHERE client_id = $1', [clientId]))[0],
        applied: (await c.sql<{ n: number }>("SELECT count(*)::int AS n FROM applied_ops WHERE client_id = $1 AND status = 'applied'", [clientId]))[0],
        tagged: (await c.sql<{ n: number }>("SELECT count(*)::int AS n FROM lines WHERE tags LIKE '%killtest%'"))[0],
      }))
      expect(counts.ledger).toEqual({ n: 1200, d: 1200 })
      expect(counts.applied.n).toBe(1200)
      expect(counts.tagged.n).toBe(1200)
    } finally {
      db2.close()
    }
    // and the pull brings the applied ops back: the replica equals the server (pulling until the horizon has passed
    // a transaction begun after the push, in case another session on a shared server holds it back)
    const after = await central_((c) => writeXid(c, ''))
    await pullPast(async () => {
      const r = await cli(['sync', 'pull'])
      expect(r.code).toBe(0)
      return JSON.parse(r.stdout) as { horizon: string | null }
    }, after, 20)
    const db3 = openDatabase(join(dir, 'ws.sqlite'))
    try {
      expect(localChecksums(db3)).toEqual(await central_((c) => centralChecksums(c)))
    } finally {
      db3.close()
    }
  })
})
