// The local tier must be right on every line of ../shared/console-examples.jsonl (the shared contract examples).
import { existsSync, readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { parseCanonical } from '../../shared/command/canonical'
import { parseLocal } from '../../shared/command/local-parser'

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..')
export const EXAMPLES_PATH = resolve(repoRoot, '../shared/console-examples.jsonl')

const present = existsSync(EXAMPLES_PATH)
if (!present) console.warn(`skipping console examples: ${EXAMPLES_PATH} is missing`)

describe.skipIf(!present)('local parser on ../shared/console-examples.jsonl', () => {
  const lines = present ? readFileSync(EXAMPLES_PATH, 'utf8').split('\n').filter((l) => l.trim() !== '') : []
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
