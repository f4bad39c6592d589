// The layering lint must actually bite: each forbidden import below is reported, each allowed one is not.
import { ESLint } from 'eslint'
import { describe, expect, it } from 'vitest'

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

  it('keeps src/shared self-contained', async () => {
    expect(await restricted('src/shared/x.ts', imp('Workspace', '../core/store/workspace'))).not.toHaveLength(0)
    expect(await restricted('src/shared/x.ts', "import Database from 'better-sqlite3'\nexport const a = Database\n")).not.toHaveLength(0)
    expect(await restricted('src/shared/x.ts', imp('z', 'zod'))).toHaveLength(0)
  })
})
