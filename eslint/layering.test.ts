// The layering lint must actually bite: each forbidden import below is reported, each allowed one is not.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { ESLint } from 'eslint'
import { describe, expect, it } from 'vitest'
import { findCycles, importGraph } from './cycles.js'
import { MAX_FILE_LINES, MAX_FUNCTION_LINES, OVERSIZED_FILES, OVERSIZED_FUNCTIONS, sizeRules } from './size-ratchet.js'

const eslint = new ESLint({ cwd: process.cwd() })

async function restricted(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath })
  return result.messages.filter((m) => m.ruleId === 'no-restricted-imports' || m.ruleId === 'wingtel/layers').map((m) => m.message)
}

const imp = (what: string, from: string) => `import { ${what} } from '${from}'\nexport const a = ${what}\n`

describe('layering lint', () => {
  it('keeps Electron in src/main only', async () => {
    expect(await restricted('src/core/lines/x.ts', imp('app', 'electron'))).not.toHaveLength(0)
    expect(await restricted('src/cli/x.ts', imp('app', 'electron'))).not.toHaveLength(0)
    expect(await restricted('src/central/x.ts', imp('app', 'electron'))).not.toHaveLength(0)
    expect(await restricted('src/main/electron/x.ts', imp('app', 'electron'))).toHaveLength(0)
    expect(await restricted('src/main/index.ts', imp('app', 'electron'))).toHaveLength(0)
  })

  it('keeps the core off its front ends and the Electron shell', async () => {
    expect(await restricted('src/core/lines/x.ts', imp('commands', '../../cli/registry'))).not.toHaveLength(0)
    expect(await restricted('src/core/lines/x.ts', imp('startWebServer', '../../web/server'))).not.toHaveLength(0)
    expect(await restricted('src/core/lines/x.ts', imp('installMenu', '../../main/electron/menu'))).not.toHaveLength(0)
    expect(await restricted('src/cli/x.ts', imp('startCore', '../core/app'))).toHaveLength(0)
  })

  it('keeps central and the adapters off the workstation core', async () => {
    expect(await restricted('src/central/x.ts', imp('Workspace', '../core/store'))).not.toHaveLength(0)
    expect(await restricted('src/central/x.ts', imp('generateDemoInto', '../core/demo'))).toHaveLength(0)
    expect(await restricted('src/adapters/carrier/x.ts', imp('Workspace', '../../core/store'))).not.toHaveLength(0)
    expect(await restricted('src/adapters/carrier/x.ts', imp('applyCentralMigrations', '../../central/migrate'))).not.toHaveLength(0)
  })

  it('keeps the renderer off the core, src/main, db/ and Node', async () => {
    expect(await restricted('src/renderer/x.tsx', imp('createApi', '../core/app/api'))).not.toHaveLength(0)
    expect(await restricted('src/renderer/x.tsx', imp('installMenu', '../main/electron/menu'))).not.toHaveLength(0)
    expect(await restricted('src/renderer/x.tsx', "import * as s from '../../db/local/schema'\nexport const a = s\n")).not.toHaveLength(0)
    expect(await restricted('src/renderer/x.tsx', imp('readFileSync', 'node:fs'))).not.toHaveLength(0)
    expect(await restricted('src/renderer/x.tsx', imp('formatUs', '../shared/domain/msisdn'))).toHaveLength(0)
  })

  it('lets the renderer take only types from src/shared, and plain values from src/shared/domain', async () => {
    expect(await restricted('src/renderer/x.tsx', imp('reportSpec', '../shared/api/reports'))).not.toHaveLength(0)
    expect(await restricted('src/renderer/x.tsx', "import type { ReportSpec } from '../shared/api/reports'\nexport type A = ReportSpec\n")).toHaveLength(0)
    expect(await restricted('src/renderer/x.tsx', imp('CHART_TYPES', '../shared/domain/report-spec'))).toHaveLength(0)
    expect(await restricted('src/shared/domain/x.ts', imp('z', 'zod'))).not.toHaveLength(0)
  })

  it('keeps src/shared self-contained', async () => {
    expect(await restricted('src/shared/x.ts', imp('Workspace', '../core/store/workspace'))).not.toHaveLength(0)
    expect(await restricted('src/shared/x.ts', "import Database from 'better-sqlite3'\nexport const a = Database\n")).not.toHaveLength(0)
    expect(await restricted('src/shared/x.ts', imp('z', 'zod'))).toHaveLength(0)
  })
})

describe('front doors', () => {
  const deep = async (filePath: string, code: string) => {
    const [result] = await eslint.lintText(code, { filePath })
    return result.messages.filter((m) => m.ruleId === 'wingtel/front-door').map((m) => m.message)
  }

  it('refuses an import that reaches inside another domain', async () => {
    expect(await deep('src/core/lines/x.ts', imp('PgRemote', '../sync/remotes/pg'))).toHaveLength(1)
    expect(await deep('src/cli/x.ts', imp('Workspace', '../core/store/workspace'))).toHaveLength(1)
    expect(await deep('src/central/x.ts', imp('generateDemoInto', '../core/demo/generate'))).toHaveLength(1)
  })

  it("lets a domain use its own files and another's front door", async () => {
    expect(await deep('src/core/sync/x.ts', imp('PgRemote', './remotes/pg'))).toHaveLength(0)
    expect(await deep('src/core/lines/x.ts', imp('syncHandlers', '../sync'))).toHaveLength(0)
    expect(await deep('src/cli/x.ts', imp('Workspace', '../core/store'))).toHaveLength(0)
  })

  it('opens test support to tests only', async () => {
    expect(await deep('src/core/lines/x.test.ts', imp('seedSmall', '../sync/test-central'))).toHaveLength(0)
    expect(await deep('src/core/lines/x.ts', imp('seedSmall', '../sync/test-central'))).toHaveLength(1)
  })
})

describe('import cycles', () => {
  it('finds a cycle made of type-only imports and dynamic import(), which import-x/no-cycle does not follow', () => {
    const dir = mkdtempSync(join(tmpdir(), 'type-cycle-'))
    try {
      writeFileSync(join(dir, 'a.ts'), "import type { B } from './b'\nexport interface A { b?: B }\n")
      writeFileSync(join(dir, 'b.ts'), "import type { A } from './a'\nexport interface B { a?: A }\n")
      writeFileSync(join(dir, 'c.ts'), "export const c = () => import('./d')\n")
      writeFileSync(join(dir, 'd.ts'), "import { c } from './c'\nexport const d = c\n")
      writeFileSync(join(dir, 'e.ts'), "import type { A } from './a'\nexport type E = A\n")
      // a folder given relative to the working directory, as `npm run lint` gives it
      const cycles = findCycles(importGraph([relative(process.cwd(), dir)])).map((c) => c.map((f) => relative(dir, f)))
      expect(cycles.sort()).toEqual([
        ['a.ts', 'b.ts'],
        ['c.ts', 'd.ts'],
      ])
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('fails the lint on a cycle between two files', async () => {
    // no-cycle follows real files, so the probe is two files on disk inside the linted tree, removed afterwards
    const dir = mkdtempSync(join(process.cwd(), 'src', 'core', 'cycle-probe-'))
    try {
      writeFileSync(join(dir, 'a.ts'), "import { b } from './b'\nexport const a = () => b()\n")
      writeFileSync(join(dir, 'b.ts'), "import { a } from './a'\nexport const b = (): number => (a ? 1 : 0)\n")
      const results = await eslint.lintFiles([join(dir, 'a.ts'), join(dir, 'b.ts')])
      const cycles = results.flatMap((r) => r.messages.filter((m) => m.ruleId === 'import-x/no-cycle'))
      expect(cycles).toHaveLength(2)
      // and the same two files without the back edge are clean
      writeFileSync(join(dir, 'b.ts'), 'export const b = (): number => 1\n')
      const clean = await new ESLint({ cwd: process.cwd() }).lintFiles([join(dir, 'a.ts'), join(dir, 'b.ts')])
      expect(clean.flatMap((r) => r.messages.filter((m) => m.ruleId === 'import-x/no-cycle'))).toHaveLength(0)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('size ratchets', () => {
  const sizeIds = new Set(['max-lines', 'max-lines-per-function'])
  const sizeMessages = async (filePath: string, code: string) => {
    const [result] = await eslint.lintText(code, { filePath })
    return result.messages.filter((m) => sizeIds.has(m.ruleId ?? ''))
  }
  const fn = (lines: number) => `export function f(): number {\n  let n = 0\n${'  n++\n'.repeat(lines)}  return n\n}\n`

  it('refuses a new function over the limit and a new file over the limit', async () => {
    expect(await sizeMessages('src/core/lines/x.ts', fn(MAX_FUNCTION_LINES + 5))).toHaveLength(1)
    expect(await sizeMessages('src/core/lines/x.ts', fn(MAX_FUNCTION_LINES - 10))).toHaveLength(0)
    const many = Array.from({ length: MAX_FILE_LINES + 5 }, (_, i) => `export const v${i} = ${i}\n`).join('')
    expect((await sizeMessages('src/core/lines/x.ts', many)).map((m) => m.ruleId)).toEqual(['max-lines'])
  })

  it('lists only files that still break a limit, so the list can only shrink', async () => {
    // the same limits, with the list's exemptions taken away
    const strict = new ESLint({ cwd: process.cwd(), overrideConfig: [{ files: ['**/*.{ts,tsx}'], rules: sizeRules }] })
    const results = await strict.lintFiles([...OVERSIZED_FILES, ...OVERSIZED_FUNCTIONS])
    const broken = (rule: string) => new Set(results.filter((r) => r.messages.some((m) => m.ruleId === rule)).map((r) => relative(process.cwd(), r.filePath)))
    const fixedFiles = OVERSIZED_FILES.filter((f) => !broken('max-lines').has(f))
    const fixedFunctions = OVERSIZED_FUNCTIONS.filter((f) => !broken('max-lines-per-function').has(f))
    expect(fixedFiles, 'now under the file limit: remove from OVERSIZED_FILES in eslint/size-ratchet.js').toEqual([])
    expect(fixedFunctions, 'now under the function limit: remove from OVERSIZED_FUNCTIONS in eslint/size-ratchet.js').toEqual([])
  })
})
