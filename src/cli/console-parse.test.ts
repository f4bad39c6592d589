import { spawnSync } from 'node:child_process'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { commands, parseArgs, type CliIo } from './registry'
import './console-parse'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
const offlineEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('WINGTEL_OPENAI_')))

async function run(argv: string[]) {
  const args = parseArgs(argv)
  const cmd = commands.find((c) => c.path.join(' ') === 'console parse')!
  let json: unknown
  let out = ''
  let err = ''
  const io: CliIo = { out: (t) => (out += `${t}\n`), err: (t) => (err += `${t}\n`), json: (v) => (json = v) }
  const code = await cmd.run({ ...args, positionals: args.positionals.slice(2) }, io)
  return { code, json, out, err }
}

describe('console parse CLI', () => {
  it('prints the contract JSON and exits 0 or 1', async () => {
    const ok = await run(['console', 'parse', 'suspend lines owing over $100', '--json'])
    expect(ok.code).toBe(0)
    expect(ok.json).toEqual({
      ok: true,
      command: { action: 'suspend', params: {}, scope: { kind: 'cohort', where: [{ field: 'past_due_cents', op: '>', value: 10000 }] } },
      canonical: 'suspend where past_due_cents > 10000',
      tier: 'local',
      warnings: [],
      read_back: 'Suspend lines that owe more than $100.00 past due',
    })
    const bad = await run(['console', 'parse', 'delete all subscribers', '--json'])
    expect(bad.code).toBe(1)
    expect(Object.keys(bad.json as object)).toEqual(['ok', 'error', 'suggestion'])
    expect(bad.json).toMatchObject({ ok: false })
  })

  it('prints canonical text and warnings for people', async () => {
    const r = await run(['console', 'parse', 'suspend', 'all', 'lines'])
    expect(r.code).toBe(0)
    expect(r.out).toContain('suspend all')
    expect(r.out).toContain('warning: applies to every line')
    expect((await run(['console', 'parse', 'x', '--tier', 'nope', '--json'])).code).toBe(1)
  })

  it('works as a real process, offline, with exactly one JSON document on stdout and exit 1 on an error', () => {
    const q = spawnSync(process.execPath, [resolve(root, 'node_modules/tsx/dist/cli.mjs'), 'src/cli/index.ts', 'console', 'parse', 'change plan for 5125550123', '--json'], {
      cwd: root,
      env: offlineEnv,
      encoding: 'utf8',
    })
    expect(q.status).toBe(1)
    expect(JSON.parse(q.stdout)).toMatchObject({ ok: false, error: 'which plan?' })
  })
})
