// Release hardening (issue 11): Electron's fuses are flipped by electron-builder's afterPack hook. The real Electron
// binary cannot be had here (no internet), so the hook runs on a small file that holds what @electron/fuses looks for:
// the sentinel, then the wire (version byte, length byte, one byte per fuse: '0' off, '1' on, 'r' removed).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { FuseState, FuseV1Options, getCurrentFuseWire } from '@electron/fuses'
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config'
import { resolveFunction } from 'app-builder-lib/out/util/resolve'
import { DebugLogger } from 'builder-util'
import { afterEach, describe, expect, it } from 'vitest'
import { afterPack, FUSES, type FakeAfterPackContext } from './after-pack.mjs'

const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX'
// Electron's own defaults for its nine V1 fuses: RunAsNode on, cookie encryption off, NODE_OPTIONS on, --inspect on,
// ASAR integrity off, only-from-asar off, browser V8 snapshot off, file:// privileges on, wasm trap handlers on
const ELECTRON_DEFAULT_WIRE = '101100011'

const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

/** A stand-in Electron binary: filler, the sentinel and a fuse wire, more filler. */
function fakeBinary(dir: string, name: string, wire = ELECTRON_DEFAULT_WIRE): string {
  const file = join(dir, name)
  const header = Buffer.from([1, wire.length])
  writeFileSync(file, Buffer.concat([Buffer.alloc(8192, 0x7f), Buffer.from(SENTINEL), header, Buffer.from(wire), Buffer.alloc(4096, 0x7f)]))
  return file
}

function context(platform: string, appOutDir: string): FakeAfterPackContext {
  return { appOutDir, electronPlatformName: platform, arch: 1, packager: { executableName: 'wingtel-ops', appInfo: { productFilename: 'Wingtel Ops' } } }
}

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'after-pack-'))
  dirs.push(dir)
  return dir
}

describe('afterPack: Electron fuses (release hardening)', () => {
  it.each([
    ['linux', 'wingtel-ops'],
    ['win32', 'Wingtel Ops.exe'],
  ])('flips the fuses in the packed %s binary and leaves the others as Electron ships them', async (platform, file) => {
    const dir = tempDir()
    const binary = fakeBinary(dir, file)
    await afterPack(context(platform, dir))
    const wire = await getCurrentFuseWire(binary)
    expect(wire[FuseV1Options.RunAsNode]).toBe(FuseState.DISABLE)
    expect(wire[FuseV1Options.EnableNodeOptionsEnvironmentVariable]).toBe(FuseState.DISABLE)
    expect(wire[FuseV1Options.EnableNodeCliInspectArguments]).toBe(FuseState.DISABLE)
    expect(wire[FuseV1Options.EnableCookieEncryption]).toBe(FuseState.ENABLE)
    expect(wire[FuseV1Options.OnlyLoadAppFromAsar]).toBe(FuseState.ENABLE)
    expect(wire[FuseV1Options.EnableEmbeddedAsarIntegrityValidation]).toBe(FuseState.ENABLE)
    // the renderer is ES modules from file://: those privileges stay
    expect(wire[FuseV1Options.GrantFileProtocolExtraPrivileges]).toBe(FuseState.ENABLE)
    expect(wire[FuseV1Options.LoadBrowserProcessSpecificV8Snapshot]).toBe(FuseState.DISABLE)
  })

  it('sets exactly the six fuses the release needs', () => {
    expect(FUSES).toEqual({
      [FuseV1Options.RunAsNode]: false,
      [FuseV1Options.EnableCookieEncryption]: true,
      [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
      [FuseV1Options.EnableNodeCliInspectArguments]: false,
      [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
      [FuseV1Options.OnlyLoadAppFromAsar]: true,
    })
  })

  it('fails the packaging when the binary has no fuse wire, or one too short for the fuses', async () => {
    const dir = tempDir()
    writeFileSync(join(dir, 'wingtel-ops'), Buffer.alloc(4096, 0x7f))
    await expect(afterPack(context('linux', dir))).rejects.toThrow(/sentinel/)
    fakeBinary(dir, 'wingtel-ops', '1011') // an Electron older than the ASAR fuses
    await expect(afterPack(context('linux', dir))).rejects.toThrow(/not long enough/)
  })

  it('refuses a platform it cannot name the binary for', async () => {
    await expect(afterPack(context('freebsd', tempDir()))).rejects.toThrow(/no Electron binary known for platform 'freebsd'/)
  })
})

describe('electron-builder.yml (release hardening)', () => {
  it('is valid for this electron-builder, packs an asar, names the afterPack hook and pins the Windows publisher', async () => {
    const config = await getConfig(process.cwd(), null, null)
    await validateConfiguration(config, new DebugLogger(false))
    expect(config.asar).toBe(true)
    expect(config.afterPack).toBe('./scripts/after-pack.mjs')
    // the updater verifies a Windows update's Authenticode signer against publisherName; unset, it checks nothing
    expect(config.win?.signtoolOptions?.publisherName).toEqual(['Wingtel'])
    expect(config.win?.verifyUpdateCodeSignature).not.toBe(false)
    expect(config.win?.forceCodeSigning).toBe(true)
    // the built-in electronFuses would flip them a second time, after our hook and its read-back
    expect(config.electronFuses).toBeUndefined()
    const publish = config.publish as { provider: string; url: string }
    expect(new URL(publish.url).protocol).toBe('https:')
  })

  it('names a hook electron-builder loads as our afterPack function', async () => {
    const config = await getConfig(process.cwd(), null, null)
    const hook = await resolveFunction<(c: FakeAfterPackContext) => Promise<void>>(undefined, config.afterPack as string, 'afterPack', process.cwd())
    // what electron-builder would run: it flips the fuses of the packed binary
    const dir = tempDir()
    const binary = fakeBinary(dir, 'wingtel-ops')
    await hook(context('linux', dir))
    expect((await getCurrentFuseWire(binary))[FuseV1Options.RunAsNode]).toBe(FuseState.DISABLE)
  })
})
