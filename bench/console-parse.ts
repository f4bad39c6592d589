// The local parser's speed over docs/console-examples.jsonl and the parser corpus. bench/console.ts (the console
// bench) calls measureParse() and adds the preview and commit figures.
import { existsSync, readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { isDeepStrictEqual } from 'node:util'
import { parseLocal } from '../src/shared/command/local-parser'
import { CORPUS, CORPUS_NOW } from '../src/shared/command/local-parser.corpus'
import { CORPUS_MORE } from '../src/shared/command/local-parser.corpus-more'

const EXAMPLES = resolve(dirname(fileURLToPath(import.meta.url)), '../docs/console-examples.jsonl')

interface Example {
  text: string
  command?: unknown
  error?: boolean
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]
}
const round = (n: number) => Math.round(n * 10000) / 10000

export function measureParse(rounds = 50): Record<string, number | string | null> {
  const examples: Example[] = existsSync(EXAMPLES)
    ? readFileSync(EXAMPLES, 'utf8')
        .split('\n')
        .filter((l) => l.trim())
        .map((l) => JSON.parse(l) as Example)
    : []
  const sentences = [...examples.map((e) => e.text), ...CORPUS.map((c) => c.text), ...CORPUS_MORE.map((c) => c.text)]
  // warm up the JIT and the regex caches
  for (let i = 0; i < 5; i++) for (const s of sentences) parseLocal(s, { now: CORPUS_NOW })
  const all: number[] = []
  const ex: number[] = []
  for (let r = 0; r < rounds; r++) {
    sentences.forEach((s, i) => {
      const t0 = performance.now()
      parseLocal(s, { now: CORPUS_NOW })
      const dt = performance.now() - t0
      all.push(dt)
      if (i < examples.length) ex.push(dt)
    })
  }
  all.sort((a, b) => a - b)
  ex.sort((a, b) => a - b)
  const examplesRight = examples.filter((e) => {
    const r = parseLocal(e.text)
    return e.error ? !r.ok : r.ok && isDeepStrictEqual(r.command, e.command)
  }).length
  return {
    parse_p95_ms: round(percentile(all, 95)),
    parse_p50_ms: round(percentile(all, 50)),
    parse_max_ms: round(all[all.length - 1] ?? 0),
    parse_examples_p95_ms: examples.length ? round(percentile(ex, 95)) : null,
    sentences: sentences.length,
    examples: examples.length,
    examples_right: examplesRight,
    corpus: CORPUS.length + CORPUS_MORE.length,
    samples: all.length,
    examples_file: examples.length ? EXAMPLES : `missing: ${EXAMPLES}`,
  }
}

/** `npm run -s bench -- console-parse` is not registered (bench/console.ts reports these figures); run directly with tsx. */
export async function run(): Promise<Record<string, unknown>> {
  return measureParse()
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) console.log(JSON.stringify(measureParse()))
