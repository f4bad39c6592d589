// The entries table and its one resolver: from source every entry is its TypeScript file run through tsx; in a bundle
// it is the emitted file beside the chunk that asks, and a missing one is reported, not guessed.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { ENTRIES, type EntryName } from './entries'
import { findEntry, resolveEntry } from './resolve'

const names = Object.keys(ENTRIES) as EntryName[]
const bundle = mkdtempSync(join(tmpdir(), 'wingtel-bundle-'))
afterAll(() => rmSync(bundle, { recursive: true, force: true }))

describe('worker and child-process entries', () => {
  it('names each entry file by where it runs, and gives each its own bundle file', () => {
    for (const name of names) {
      const e = ENTRIES[name]
      expect(e.source.endsWith(e.kind === 'worker' ? '.worker.ts' : '.process.ts'), `${name}: ${e.source}`).toBe(true)
    }
    expect(new Set(names.map((n) => ENTRIES[n].bundle)).size).toBe(names.length)
  })

  it('resolves every entry to its TypeScript source, loaded through tsx, when running from source', () => {
    for (const name of names) {
      const e = resolveEntry(name)
      expect(e.fromSource).toBe(true)
      expect(e.path.endsWith(ENTRIES[name].source)).toBe(true)
      expect(existsSync(e.path)).toBe(true)
      expect(e.execArgv[0]).toBe('--import')
      expect(e.execArgv[1]).toMatch(/tsx/)
    }
  })

  it('resolves to the bundle file beside the asking chunk (or one folder up), with no loader; a missing one is null', () => {
    writeFileSync(join(bundle, 'sync-worker.js'), '')
    mkdirSync(join(bundle, 'chunks'))
    const here = pathToFileURL(join(bundle, 'index.js')).href
    const inChunk = pathToFileURL(join(bundle, 'chunks', 'shared-abc.js')).href
    for (const from of [here, inChunk]) {
      const e = findEntry('sync-worker', from)
      expect(e).toMatchObject({ path: join(bundle, 'sync-worker.js'), execArgv: [], fromSource: false, kind: 'worker' })
    }
    expect(findEntry('sql-process', here)).toBeNull()
    expect(() => resolveEntry('sql-process', here)).toThrow(/sql-process entry .* missing from this build/)
  })
})
