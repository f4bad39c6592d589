// `npm start`: the desktop app on the demo workspace where Electron can run, else web mode (`npm run serve`).
// npm runs no dependency install script that package.json's allowScripts does not approve, and Electron's would
// download its binary, which an offline machine or CI cannot: so the binary is fetched here, on the first start
// (it needs the internet once). Where it cannot be had, or there is no display to open a window on, the same app
// opens in web mode and its URL is printed.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'

const require = createRequire(import.meta.url)
const electronDir = dirname(require.resolve('electron/package.json'))
const hasBinary = () => existsSync(join(electronDir, 'path.txt'))

function whyNoDesktop() {
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) return 'no display to open a window on'
  if (!hasBinary()) {
    console.log('Wingtel Ops: fetching the Electron binary (once)…')
    const r = spawnSync(process.execPath, [join(electronDir, 'install.js')], { stdio: 'inherit' })
    if (r.status !== 0 || !hasBinary()) return 'the Electron binary could not be downloaded (no internet?)'
  }
  return null
}

const why = whyNoDesktop()
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'
const [cmd, args] = why ? [npm, ['run', '-s', 'serve']] : [npm, ['exec', '--', 'electron-vite', 'preview']]
if (why) console.log(`Wingtel Ops: ${why}; opening web mode instead (open the URL below in a browser).`)
const child = spawn(cmd, args, { stdio: 'inherit' })
child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 0)))
for (const s of ['SIGINT', 'SIGTERM']) process.on(s, () => child.kill(s))
