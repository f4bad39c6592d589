// Attack 10 of issue 11: every CLI --json answer on a pipe was cut at 64 KiB, because the process exited before stdout
// drained. The real CLI runs here as a process writing into a pipe whose reader is slower than the writer.
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { Writable } from 'node:stream'
import { fileURLToPath } from 'node:url'
import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
const dir = mkdtempSync(join(tmpdir(), 'wt-cli-pipe-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** Runs the CLI; its stdout goes through a pipe to a reader that takes one small chunk per event-loop turn. */
function runPiped(argv: string[]): Promise<{ code: number | null; stdout: Buffer; stderr: string }> {
  const child = spawn(process.execPath, [resolve(root, 'node_modules/tsx/dist/cli.mjs'), 'src/cli/index.ts', ...argv], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] })
  const chunks: Buffer[] = []
  const slow = new Writable({
    highWaterMark: 1024,
    write(chunk: Buffer, _enc, cb) {
      chunks.push(chunk)
      setImmediate(cb)
    },
  })
  let stderr = ''
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
  child.stdout.pipe(slow)
  const finished = new Promise<void>((ok) => slow.on('finish', () => ok()))
  return new Promise((ok) => child.on('close', (code) => finished.then(() => ok({ code, stdout: Buffer.concat(chunks), stderr }))))
}

describe('CLI output on a pipe (attack 10)', () => {
  it('a --json answer over 1 MB arrives whole, as one valid JSON document', { timeout: 120_000 }, async () => {
    const db = join(dir, 'empty.sqlite')
    new Database(db).exec('CREATE TABLE t (x)').close()
    const sql = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 30000) SELECT x, printf('%040d', x) AS padded FROM c"
    const r = await runPiped(['sql', sql, '--max-rows', '30000', '--json', '--db', db])
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(r.stdout.length).toBeGreaterThan(1024 * 1024)
    const doc = JSON.parse(r.stdout.toString('utf8')) as { ok: boolean; rows: Array<{ x: number }> }
    expect(doc.ok).toBe(true)
    expect(doc.rows).toHaveLength(30000)
    expect(doc.rows[29999].x).toBe(30000)
  })
})
