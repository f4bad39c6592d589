// The local tier must be right on every line of docs/console-examples.jsonl (the contract's examples), and every
// canonical example in docs/COMMAND-DSL.md must read back.
import { readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { parseCanonical, toCanonical } from '../../shared/command/canonical'
import { parseLocal } from '../../shared/command/local-parser'
import { ACTIONS } from '../../shared/command/schema'

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..')
export const EXAMPLES_PATH = resolve(repoRoot, 'docs/console-examples.jsonl')
const DSL_PATH = resolve(repoRoot, 'docs/COMMAND-DSL.md')

describe('local parser on docs/console-examples.jsonl', () => {
  const lines = readFileSync(EXAMPLES_PATH, 'utf8').split('\n').filter((l) => l.trim() !== '')
  it('has examples', () => expect(lines.length).toBeGreaterThan(10))
  for (const l of lines) {
    const ex = JSON.parse(l) as { text: string; command?: unknown; error?: boolean }
    it(ex.text, () => {
      const r = parseLocal(ex.text)
      if (ex.error) {
        expect(r.ok, JSON.stringify(r)).toBe(false)
        if (!r.ok) expect(r.suggestion.length).toBeGreaterThan(0)
        return
      }
      expect(r.ok, JSON.stringify(r)).toBe(true)
      if (!r.ok) return
      expect(r.command).toStrictEqual(ex.command)
      expect(parseCanonical(r.canonical)).toEqual({ ok: true, command: ex.command })
    })
  }
})

describe('canonical examples of docs/COMMAND-DSL.md', () => {
  const md = readFileSync(DSL_PATH, 'utf8')
  const section = md.slice(md.indexOf('## Canonical text form'), md.indexOf('## What the parser must do'))
  const blocks = [...section.matchAll(/```\n([\s\S]*?)```/g)].map((m) => m[1])
  const examples = blocks
    .flatMap((b) => b.split('\n'))
    .map((l) => l.split('←')[0].trim())
    .filter((l) => (ACTIONS as readonly string[]).includes(l.split(' ')[0]))
  it('has examples of every scope form, list and all included', () => {
    for (const kw of [' line ', ' account ', ' list "', ' where ']) expect(examples.some((e) => e.includes(kw)), kw).toBe(true)
    expect(examples.some((e) => e.endsWith(' all'))).toBe(true)
  })
  for (const text of examples) {
    it(text, () => {
      const r = parseCanonical(text)
      expect(r.ok, JSON.stringify(r)).toBe(true)
      if (r.ok) expect(toCanonical(r.command)).toBe(text)
    })
  }
})
