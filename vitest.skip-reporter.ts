// A green run must say what it did not run: this reporter ends every run with the skipped tests grouped by the reason
// they gave (`ctx.skip(condition, reason)`). A skip with no reason is listed as such, so that it gets one.
import type { Reporter, TestModule, Vitest } from 'vitest/node'

export const NO_REASON = 'no reason given: skip with ctx.skip(condition, "why") so the run can say'

export interface SkippedTest {
  file: string
  name: string
  reason: string
}

/** The skipped tests of a run, `.todo` ones left out (they are plans, not tests that did not run). */
export function skippedTests(modules: ReadonlyArray<TestModule>, root: string): SkippedTest[] {
  const out: SkippedTest[] = []
  for (const m of modules) {
    for (const t of m.children.allTests('skipped')) {
      if (t.options.mode === 'todo') continue
      const r = t.result()
      const note = r.state === 'skipped' ? r.note : undefined
      out.push({ file: relative(root, m.moduleId), name: t.fullName, reason: note?.trim() || NO_REASON })
    }
  }
  return out
}

function relative(root: string, file: string): string {
  return file.startsWith(root + '/') ? file.slice(root.length + 1) : file
}

export function skipSummary(skipped: SkippedTest[]): string {
  if (skipped.length === 0) return 'Skipped: none'
  const byReason = new Map<string, SkippedTest[]>()
  for (const s of skipped) byReason.set(s.reason, [...(byReason.get(s.reason) ?? []), s])
  const lines = [`Skipped: ${skipped.length} test${skipped.length === 1 ? '' : 's'}`]
  for (const [reason, tests] of byReason) {
    lines.push(`  ${reason} (${tests.length})`)
    for (const t of tests) lines.push(`    - ${t.file} > ${t.name}`)
  }
  return lines.join('\n')
}

export default class SkipReporter implements Reporter {
  private root = process.cwd()

  onInit(vitest: Vitest): void {
    this.root = vitest.config.root
  }

  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    process.stdout.write(`\n${skipSummary(skippedTests(modules, this.root))}\n`)
  }
}
