// npm start opens the desktop app only where it can: a display, and the Electron binary (fetched once when missing);
// everywhere else web mode. Before, it ran electron-vite preview regardless and failed without a binary.
import { describe, expect, it } from 'vitest'
import { desktopBlocker } from './start.mjs'

const display = { DISPLAY: ':0' }

describe('npm start: desktop or web mode', () => {
  it('opens the desktop app where there is a display and the binary', () => {
    let installs = 0
    expect(desktopBlocker({ platform: 'linux', env: display, hasBinary: () => true, install: () => ++installs > 0 })).toBeNull()
    expect(installs).toBe(0)
    expect(desktopBlocker({ platform: 'darwin', env: {}, hasBinary: () => true, install: () => true })).toBeNull()
  })

  it('fetches a missing binary once and then opens the desktop app', () => {
    let present = false
    const install = () => (present = true)
    expect(desktopBlocker({ platform: 'linux', env: { WAYLAND_DISPLAY: 'wayland-0' }, hasBinary: () => present, install })).toBeNull()
  })

  it('falls back to web mode with no display, or when the binary cannot be had', () => {
    expect(desktopBlocker({ platform: 'linux', env: {}, hasBinary: () => true, install: () => true })).toMatch(/no display/)
    expect(desktopBlocker({ platform: 'linux', env: display, hasBinary: () => false, install: () => false })).toMatch(/could not be downloaded/)
    // an installer that claims success but leaves no binary is not believed
    expect(desktopBlocker({ platform: 'win32', env: {}, hasBinary: () => false, install: () => true })).toMatch(/could not be downloaded/)
  })
})
