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
