// `npm start`: the desktop app on the demo workspace where Electron can run, else web mode (`npm run serve`).
// npm runs no dependency install script that package.json's allowScripts does not approve, and Electron's would
// download its binary, which an offline machine or CI cannot: so the binary is fetched here, on the first start
// (it needs the internet once). Where it cannot be had, or there is no display to open a window on, the same app
// opens in web mode and its URL is printed.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { pathToFileURL } from 'node:url'

/**
 * Why the desktop app cannot open here, or null when it can. `install` fetches the Electron binary (tried only when it
 * is missing and there is a display) and says whether it succeeded.
 */
export function desktopBlocker({ platform, env, hasBinary, install }) {
  if (platform === 'linux' && !env.DISPLAY && !env.WAYLAND_DISPLAY) return 'no display to open a window on'
  if (!hasBinary() && !(install() && hasBinary())) return 'the Electron binary could not be downloaded (no internet?)'
  return null
}

function main() {
  const require = createRequire(import.meta.url)
  const electronDir = dirname(require.resolve('electron/package.json'))
  const why = desktopBlocker({
    platform: process.platform,
    env: process.env,
    hasBinary: () => existsSync(join(electronDir, 'path.txt')),
    install: () => {
      console.log('Wingtel Ops: fetching the Electron binary (once)…')
      return spawnSync(process.execPath, [join(electronDir, 'install.js')], { stdio: 'inherit' }).status === 0
    },
  })
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'
  const args = why ? ['run', '-s', 'serve'] : ['exec', '--', 'electron-vite', 'preview']
  if (why) console.log(`Wingtel Ops: ${why}; opening web mode instead (open the URL below in a browser).`)
  const child = spawn(npm, args, { stdio: 'inherit' })
  child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 0)))
  for (const s of ['SIGINT', 'SIGTERM']) process.on(s, () => child.kill(s))
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) main()
