// The layering lint must actually bite: each forbidden import below is reported, each allowed one is not.
import { ESLint } from 'eslint'
import { describe, expect, it } from 'vitest'

const eslint = new ESLint({ cwd: process.cwd() })

async function restricted(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath })
  return result.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message)
}

describe('layering lint', () => {
  it('keeps Electron out of the core', async () => {
    expect(await restricted('src/main/lines/x.ts', "import { app } from 'electron'\nexport const a = app\n")).toHaveLength(1)
    expect(await restricted('src/main/electron/x.ts', "import { app } from 'electron'\nexport const a = app\n")).toHaveLength(0)
    expect(await restricted('src/main/index.ts', "import { app } from 'electron'\nexport const a = app\n")).toHaveLength(0)
  })

  it('keeps the renderer off src/main, db/ and Node', async () => {
    expect(await restricted('src/renderer/x.tsx', "import { createApi } from '../main/api'\nexport const a = createApi\n")).toHaveLength(1)
    expect(await restricted('src/renderer/x.tsx', "import * as s from '../../db/local/schema'\nexport const a = s\n")).toHaveLength(1)
    expect(await restricted('src/renderer/x.tsx', "import { readFileSync } from 'node:fs'\nexport const a = readFileSync\n")).toHaveLength(1)
    expect(await restricted('src/renderer/x.tsx', "import { LINE_COLUMNS } from '../shared/api/lines'\nexport const a = LINE_COLUMNS\n")).toHaveLength(0)
  })

  it('keeps src/shared self-contained', async () => {
    expect(await restricted('src/shared/x.ts', "import { Workspace } from '../main/workspace/workspace'\nexport const a = Workspace\n")).toHaveLength(1)
    expect(await restricted('src/shared/x.ts', "import Database from 'better-sqlite3'\nexport const a = Database\n")).toHaveLength(1)
    expect(await restricted('src/shared/x.ts', "import { z } from 'zod'\nexport const a = z\n")).toHaveLength(0)
  })
})
