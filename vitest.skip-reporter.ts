// A green run must say what it did not run: this reporter ends every run with the skipped tests grouped by the reason
// they gave (`ctx.skip(condition, reason)`). A skip with no reason is listed as such, so that it gets one.
import type { Reporter, TestModule, Vitest } from 'vitest/node'

export const NO_REASON = 'no reason given: skip with ctx.skip(condition, "why") so the run can say'

export interface SkippedTest {
  file: string
  name: string
  reason: string
}

/**
 * The skipped tests of a run. Left out: `.todo` ones (plans, not tests that did not run), and the tests that this run
 * did not select (a `-t` pattern they do not match, or a `.only` elsewhere), which are skipped without a reason.
 */
export function skippedTests(modules: ReadonlyArray<TestModule>, root: string, namePattern?: RegExp): SkippedTest[] {
  const out: SkippedTest[] = []
  const only = modules.some((m) => [...m.children.allTests()].some((t) => t.options.mode === 'only'))
  for (const m of modules) {
    for (const t of m.children.allTests('skipped')) {
      if (t.options.mode === 'todo') continue
      const unselected = (namePattern && !namePattern.test(t.fullName)) || (only && t.options.mode === 'skip')
      if (unselected && t.options.mode === 'skip') continue
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
  private namePattern: RegExp | undefined

  onInit(vitest: Vitest): void {
    this.root = vitest.config.root
    this.namePattern = vitest.config.testNamePattern
  }

  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    process.stdout.write(`\n${skipSummary(skippedTests(modules, this.root, this.namePattern))}\n`)
  }
}
