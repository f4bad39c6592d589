// .ci/postgres decides whether the central tests run on the real PostgreSQL: on CI an unreachable server fails the
// run (PGlite would skip the direct remote, the COPY bootstrap, the worker lanes and LISTEN); locally it falls back.
import { spawn, spawnSync } from 'node:child_process'
import { createServer, type AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const SCRIPT = fileURLToPath(new URL('./postgres', import.meta.url))
// port 1 on loopback: nothing listens there, and PATH without the PostgreSQL tools leaves only the TCP check
const CLOSED = 'postgres://postgres@127.0.0.1:1/postgres'

function run(env: Record<string, string>) {
  const r = spawnSync('/bin/bash', [SCRIPT], { env: { PATH: '/nonexistent', ...env }, encoding: 'utf8' })
  return { status: r.status, stdout: r.stdout, stderr: r.stderr }
}

/** async: the listening server lives in this process, so the script must not block its event loop */
function runAsync(env: Record<string, string>): Promise<{ status: number | null; stdout: string }> {
  const child = spawn('/bin/bash', [SCRIPT], { env: { PATH: '/nonexistent', ...env } })
  let stdout = ''
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
  return new Promise((resolve) => child.on('close', (status) => resolve({ status, stdout })))
}

describe('.ci/postgres', () => {
  it('on CI, an unreachable PostgreSQL fails with a message that says why', () => {
    const r = run({ CI: 'true', TEST_DATABASE_URL: CLOSED })
    expect(r.status).toBe(1)
    expect(r.stdout).toBe('')
    expect(r.stderr).toContain('FAILED: PostgreSQL is not reachable on 127.0.0.1:1')
  })

  it('locally, an unreachable PostgreSQL falls back to PGlite: no URL, exit 0', () => {
    const r = run({ TEST_DATABASE_URL: CLOSED })
    expect(r.status).toBe(0)
    expect(r.stdout).toBe('')
    expect(r.stderr).toContain('fall back to PGlite')
  })

  it('on CI, a reachable server is used: its URL on stdout, exit 0', async () => {
    const server = createServer((socket) => socket.destroy())
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    try {
      const url = `postgres://postgres@127.0.0.1:${(server.address() as AddressInfo).port}/postgres`
      const r = await runAsync({ CI: 'true', TEST_DATABASE_URL: url })
      expect(r).toMatchObject({ status: 0, stdout: `${url}\n` })
    } finally {
      server.close()
    }
  })
})
