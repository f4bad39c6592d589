// Test support for the console (nothing in the app imports this file): small generated demo workspaces, one copy per
// test. What the server does with a committed batch is tested through the real push and pull (rollback.test.ts).
import { copyFileSync, existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createApi, createCaller } from '../app'
import { generateDemo } from '../demo'
import { Workspace } from '../store'

export const TEST_AS_OF = '2026-11-15'
const templates = new Map<number, string>()

async function template(lines: number): Promise<string> {
  const cached = templates.get(lines)
  if (cached && existsSync(cached)) return cached
  const path = join(mkdtempSync(join(tmpdir(), 'console-tpl-')), `demo-${lines}.sqlite`)
  const ws = new Workspace({ dbPath: path })
  await generateDemo(ws.db, { lines, months: 2, seed: 11, asOf: TEST_AS_OF })
  ws.db.pragma('wal_checkpoint(TRUNCATE)')
  ws.close()
  templates.set(lines, path)
  return path
}

/** A fresh copy of a generated demo workspace of `lines` lines. */
export async function demoWorkspace(lines = 1500): Promise<Workspace> {
  const src = await template(lines)
  const path = join(mkdtempSync(join(tmpdir(), 'console-ws-')), 'ws.sqlite')
  copyFileSync(src, path)
  return new Workspace({ dbPath: path })
}

export function callerFor(ws: Workspace) {
  return createCaller(createApi(ws))
}

/** The AppError code behind a caller's error (zod failures are BAD_INPUT), and its message. */
export async function failure(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await p
  } catch (e) {
    const err = e as { code?: string; message: string; cause?: { code?: string } }
    const code = err.cause?.code ?? (err.code === 'BAD_REQUEST' ? 'BAD_INPUT' : String(err.code))
    return { code, message: err.message }
  }
  throw new Error('expected a failure')
}

/** `n` active lines without add-ons, tags or plan changes this month, so a test can pin their values; ids and MSISDNs. */
export function pinLines(ws: Workspace, n: number): Array<{ id: number; msisdn: string }> {
  return ws.db
    .prepare("SELECT id, msisdn FROM lines WHERE status = 'active' AND addons = '' AND tags = '' AND plan_changes_month = 0 ORDER BY id LIMIT ?")
    .all(n) as Array<{ id: number; msisdn: string }>
}
