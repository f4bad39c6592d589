// Test helper: a small generated demo workspace in its own temp directory.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildDemoWorkspace } from '../demo'
import { Workspace } from '../store'

export const TEST_AS_OF = '2026-11-20'

export async function makeTestWorkspace(opts: { lines?: number; months?: number; seed?: number } = {}): Promise<{ ws: Workspace; path: string; dispose(): void }> {
  const dir = mkdtempSync(join(tmpdir(), 'wingtel-reports-'))
  const path = join(dir, 'ws.sqlite')
  await buildDemoWorkspace(path, { lines: opts.lines ?? 2500, months: opts.months ?? 6, seed: opts.seed ?? 11, asOf: TEST_AS_OF })
  const ws = new Workspace({ dbPath: path })
  return {
    ws,
    path,
    dispose() {
      ws.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
