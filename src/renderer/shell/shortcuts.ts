// Every keyboard shortcut, in one list: the help overlay (`?`) renders it and useAppHotkeys binds it, so the two never
// disagree.
import { spotlight } from '@mantine/spotlight'
import { useHotkeys, type HotkeyItem } from '@mantine/hooks'
import { useRef } from 'react'
import { useNavigate } from 'react-router'
import { navRoutes, topNavRoutes } from '../routes'

export interface ShortcutHelp {
  keys: string[]
  what: string
}

export interface ShellCommands {
  toggleTheme: () => void
  showHelp: () => void
}

const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform)
export const MOD = isMac ? '⌘' : 'Ctrl'

export function shortcutHelp(): ShortcutHelp[] {
  return [
    { keys: [`${MOD}+K`], what: 'Command palette: find a line (MSISDN, ICCID, account, name, email), go anywhere, run actions' },
    { keys: ['/'], what: 'Focus the quick search of this screen (or open the palette)' },
    ...navRoutes.map((r) => {
      const i = topNavRoutes.indexOf(r)
      return { keys: [`g ${r.nav.key}`, ...(i >= 0 ? [`${MOD}+${i + 1}`] : [])], what: `Go to ${r.nav.label}` }
    }),
    { keys: [`${MOD}+Shift+L`], what: 'Toggle light / dark theme' },
    { keys: ['Enter', 'double-click'], what: 'Open the selected line (subscriber grid)' },
    { keys: ['?'], what: 'Show this help' },
    { keys: ['Esc'], what: 'Close a dialog or the palette' },
  ]
}

/** `/`: focus the element marked data-quick-search on the current screen, else open the palette. */
export function focusQuickSearch(): void {
  const el = document.querySelector<HTMLInputElement>('[data-quick-search]')
  if (el) {
    el.focus()
    el.select()
  } else spotlight.open()
}

const SEQUENCE_MS = 1500

export function useAppHotkeys(cmd: ShellCommands): void {
  const navigate = useNavigate()
  const gPressedAt = useRef(0)
  const items: HotkeyItem[] = [
    ['g', () => (gPressedAt.current = Date.now()), { preventDefault: false }],
    ...navRoutes.map<HotkeyItem>((r) => [
      r.nav.key,
      () => {
        if (Date.now() - gPressedAt.current > SEQUENCE_MS) return
        gPressedAt.current = 0
        navigate(r.path)
      },
      { preventDefault: false },
    ]),
    ...topNavRoutes.map<HotkeyItem>((r, i) => [`mod+${i + 1}`, () => navigate(r.path)]),
    ['mod+shift+L', cmd.toggleTheme],
    ['/', focusQuickSearch],
    ['shift+?', cmd.showHelp],
    ['?', cmd.showHelp],
  ]
  useHotkeys(items)
}
