// The command palette's action registry. Screens register what the keyboard should reach (export, refresh, run…) while
// they are mounted: `useRegisterActions([...])`, or `registerAction(...)` for app-wide ones.
import { useEffect, useSyncExternalStore } from 'react'

export interface PaletteAction {
  id: string
  label: string
  description?: string
  group: 'Navigate' | 'Actions' | string
  keywords?: string[]
  /** shown on the right, e.g. "Ctrl+K" */
  hotkey?: string
  run: () => void
}

let actions: PaletteAction[] = []
const listeners = new Set<() => void>()
const notify = () => listeners.forEach((fn) => fn())

/** Adds (or replaces, by id) an action; returns the function that removes it. */
export function registerAction(action: PaletteAction): () => void {
  actions = [...actions.filter((a) => a.id !== action.id), action]
  notify()
  return () => {
    actions = actions.filter((a) => a !== action)
    notify()
  }
}

export function usePaletteActions(): PaletteAction[] {
  return useSyncExternalStore(
    (fn) => {
      listeners.add(fn)
      return () => listeners.delete(fn)
    },
    () => actions,
  )
}

/** Registers actions while the calling component is mounted. Pass a stable (memoized) array. */
export function useRegisterActions(list: PaletteAction[]): void {
  useEffect(() => {
    const offs = list.map(registerAction)
    return () => offs.forEach((off) => off())
  }, [list])
}
