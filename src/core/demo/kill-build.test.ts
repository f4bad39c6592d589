// Issue 11, attack 9: a first-start demo build killed halfway opened as a healthy workspace with half the lines, missing
// indexes and no as-of date. Builds now write a file beside the workspace and rename it into place when complete, so a
// killed build leaves no workspace (CLI `demo`) or the empty one (first start), and the next run builds it again whole.
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startCore } from '../app'
import { Workspace } from '../store'
import { buildingPath } from './build'

const ROOT = resolve(import.meta.dirname, '../../..')
let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'wt-kill-build-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

/** Runs a TypeScript entry with tsx; SIGKILLs it at the first output line `killAt` accepts. */
function runUntil(args: string[], killAt: (line: string) => boolean): Promise<{ killed: boolean }> {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
  let killed = false
  const watch = (stream: NodeJS.ReadableStream) => {
    let buf = ''
    stream.on('data', (d) => {
      buf += d
      let i
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i)
        buf = buf.slice(i + 1)
        if (!killed && killAt(line)) {
          killed = true
          child.kill('SIGKILL')
        }
      }
    })
  }
  watch(child.stdout)
  watch(child.stderr)
  return new Promise((res) => child.on('exit', () => res({ killed })))
}

function count(path: string): { lines: number; asOf: string | null } {
  const ws = new Workspace({ dbPath: path })
  try {
    return { lines: (ws.db.prepare('SELECT count(*) AS n FROM lines').get() as { n: number }).n, asOf: ws.meta('as_of') }
  } finally {
    ws.close()
  }
}

describe('attack 9: a killed demo build never leaves a half-built workspace', () => {
  it('CLI demo killed mid-generation: no workspace at the path; the next run builds all of it', async () => {
    const path = join(dir, 'ws.sqlite')
    const args = ['src/cli/index.ts', 'demo', '--lines', '8000', '--months', '3', '--seed', '2', '--db', path]
    const r = await runUntil(args, (l) => /^(generate|index)\s+([4-9]\d|100)%/.test(l))
    expect(r.killed).toBe(true)
    expect(existsSync(path)).toBe(false)
    const again = await runUntil(args, () => false)
    expect(again.killed).toBe(false)
    expect(count(path)).toEqual({ lines: 8000, asOf: expect.any(String) })
    expect(existsSync(buildingPath(path))).toBe(false)
  })

  it('first start killed mid-build: the workspace opens empty, never with part of the lines; the next start builds it whole', async () => {
    const path = join(dir, 'ws.sqlite')
    const r = await runUntil(['src/core/app/test-first-start.ts', path, '8000'], (l) => {
      if (!l.startsWith('{')) return false
      const e = JSON.parse(l) as { type: string; phase?: string; done?: number; total?: number }
      return e.type === 'workspace-progress' && (e.phase === 'index' || (e.phase === 'generate' && (e.done ?? 0) >= 0.4 * (e.total ?? 1)))
    })
    expect(r.killed).toBe(true)
    expect(count(path)).toEqual({ lines: 0, asOf: null })
    const core = await startCore({ dbPath: path, demo: { lines: 8000, months: 3, seed: 4 }, log: { level: 'silent', file: null, slowQueryMs: 1000 } })
    try {
      await core.ready
      expect((core.ws.db.prepare('SELECT count(*) AS n FROM lines').get() as { n: number }).n).toBe(8000)
      expect(core.ws.meta('as_of')).not.toBeNull()
      // the indexes came with it: the grid's sort index is there
      expect((core.ws.db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'index' AND tbl_name = 'lines'").get() as { n: number }).n).toBeGreaterThan(5)
    } finally {
      await core.stop()
    }
    expect(existsSync(buildingPath(path))).toBe(false)
  })
})
