// The skip summary from a real vitest run over a fixture: a reason given through ctx.skip reaches the summary, and a
// static skipIf without one is called out.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { startVitest } from 'vitest/node'
import SkipReporter, { NO_REASON, skipSummary, skippedTests, type SkippedTest } from './vitest.skip-reporter'

describe('skip summary', () => {
  it('groups the skipped tests by reason and counts them', () => {
    const skipped: SkippedTest[] = [
      { file: 'a.test.ts', name: 'one', reason: 'needs PostgreSQL' },
      { file: 'b.test.ts', name: 'two', reason: NO_REASON },
      { file: 'c.test.ts', name: 'three', reason: 'needs PostgreSQL' },
    ]
    expect(skipSummary(skipped).split('\n')).toEqual([
      'Skipped: 3 tests',
      '  needs PostgreSQL (2)',
      '    - a.test.ts > one',
      '    - c.test.ts > three',
      `  ${NO_REASON} (1)`,
      '    - b.test.ts > two',
    ])
    expect(skipSummary([])).toBe('Skipped: none')
  })

  const dir = mkdtempSync(join(tmpdir(), 'wt-skip-reporter-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('reads the reasons of a real run', async () => {
    writeFileSync(
      join(dir, 'fixture.test.ts'),
      [
        "import { describe, it } from 'vitest'",
        "describe('group', () => {",
        "  it('runs', () => {})",
        "  it('needs a server', (ctx) => { ctx.skip(true, 'no server here') })",
        "  it('stays', (ctx) => { ctx.skip(false, 'never shown') })",
        "  it.skipIf(true)('silent', () => {})",
        "  it.todo('later')",
        '})',
      ].join('\n'),
    )
    expect(await run()).toEqual([
      { file: 'fixture.test.ts', name: 'group > needs a server', reason: 'no server here' },
      { file: 'fixture.test.ts', name: 'group > silent', reason: NO_REASON },
    ])
    // a -t pattern leaves the other tests out of the run, not out of the truth: they are not listed as skips
    expect(await run(/needs a server/)).toEqual([{ file: 'fixture.test.ts', name: 'group > needs a server', reason: 'no server here' }])
    expect(await run(/runs/)).toEqual([])
  })

  async function run(testNamePattern?: RegExp): Promise<SkippedTest[]> {
    let got: SkippedTest[] = []
    const reporter = new (class extends SkipReporter {
      override onTestRunEnd(modules: Parameters<SkipReporter['onTestRunEnd']>[0]): void {
        got = skippedTests(modules, dir, testNamePattern)
      }
    })()
    const v = await startVitest('test', [], { root: dir, watch: false, reporters: [reporter], config: false, include: ['fixture.test.ts'], testNamePattern })
    await v.close()
    return got
  }
})
