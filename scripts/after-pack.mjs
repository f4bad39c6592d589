// electron-builder's afterPack hook (named in electron-builder.yml): flips Electron's fuses in the packed binary,
// before electron-builder signs it (a fuse flipped after signing would break the signature).
//
// Fuses are switches compiled into the Electron binary, read before any of our code runs, so a setting that only our
// code enforced could be undone by whoever starts the process. Each one closes a way to run other code with the
// app's identity (its keychain entries, its signed path, its firewall rules):
// - RunAsNode off: `ELECTRON_RUN_AS_NODE=1 "Wingtel Ops" evil.js` would run any script as a plain Node process;
// - EnableNodeOptionsEnvironmentVariable off: NODE_OPTIONS=--require evil.js would load code into the main process;
// - EnableNodeCliInspectArguments off: --inspect would open a debugger on the main process;
// - EnableCookieEncryption on: the cookie store is encrypted with the OS keychain key, like safeStorage;
// - OnlyLoadAppFromAsar on: Electron loads the app only from app.asar, never from a planted resources/app folder;
// - EnableEmbeddedAsarIntegrityValidation on: app.asar must match the hash electron-builder embeds (Info.plist on
//   macOS, a resource of the signed .exe on Windows), so an edited archive does not start. Electron has no such check
//   on Linux: there the fuse is inert, and the AppImage is protected by the updater's sha512 and the file's owner.
// GrantFileProtocolExtraPrivileges stays as Electron ships it: the renderer is loaded from file:// as ES modules, which
// Chromium refuses from file:// without those privileges.
import { join } from 'node:path'
import { flipFuses, FuseState, FuseV1Options, FuseVersion, getCurrentFuseWire } from '@electron/fuses'

/** The fuses we set, by FuseV1Options index: true = ENABLE, false = DISABLE. */
export const FUSES = Object.freeze({
  [FuseV1Options.RunAsNode]: false,
  [FuseV1Options.EnableCookieEncryption]: true,
  [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
  [FuseV1Options.EnableNodeCliInspectArguments]: false,
  [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
  [FuseV1Options.OnlyLoadAppFromAsar]: true,
})

// electron-builder's Arch enum: arm64 = 3, universal = 4
const APPLE_SILICON = new Set([3, 4])

/**
 * The file holding the fuse wire, as electron-builder names it (PlatformPackager.addElectronFuses): the .app bundle on
 * macOS (@electron/fuses finds the framework inside), `<productFilename>.exe` on Windows, the executable on Linux.
 */
export function electronBinaryPath(context) {
  const { appOutDir, electronPlatformName, packager } = context
  switch (electronPlatformName) {
    case 'darwin':
    case 'mas':
      return join(appOutDir, `${packager.appInfo.productFilename}.app`)
    case 'win32':
      return join(appOutDir, `${packager.appInfo.productFilename}.exe`)
    case 'linux':
      return join(appOutDir, packager.executableName)
    default:
      throw new Error(`after-pack: no Electron binary known for platform '${electronPlatformName}'`)
  }
}

/** Flips FUSES in the packed app and reads them back: a packaging run fails rather than ship a binary without them. */
export async function afterPack(context) {
  const binary = electronBinaryPath(context)
  await flipFuses(binary, {
    version: FuseVersion.V1,
    // flipping a fuse invalidates the ad-hoc signature an Apple-silicon binary needs even unsigned
    resetAdHocDarwinSignature: context.electronPlatformName === 'darwin' && APPLE_SILICON.has(context.arch),
    ...FUSES,
  })
  const wire = await getCurrentFuseWire(binary)
  const wrong = Object.entries(FUSES).filter(([i, on]) => wire[i] !== (on ? FuseState.ENABLE : FuseState.DISABLE))
  if (wrong.length > 0) {
    const names = wrong.map(([i]) => FuseV1Options[i]).join(', ')
    throw new Error(`after-pack: the fuses ${names} did not take in ${binary}`)
  }
  console.log(`after-pack: fuses set in ${binary}`)
}

export default afterPack
