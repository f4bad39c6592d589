// The grid's column layout (order, widths, visibility, pinning, sort) remembered across sessions in localStorage.
import type { ColumnState, GridApi } from 'ag-grid-community'

const KEY = 'wingtel.grid.subscribers.v1'

export function saveLayout(api: GridApi): void {
  localStorage.setItem(KEY, JSON.stringify(api.getColumnState()))
}

export function restoreLayout(api: GridApi): void {
  const raw = localStorage.getItem(KEY)
  if (!raw) return
  try {
    api.applyColumnState({ state: JSON.parse(raw) as ColumnState[], applyOrder: true })
  } catch {
    // a saved layout from another version of the grid: forgotten, the default one is shown
    localStorage.removeItem(KEY)
  }
}

export function resetLayout(api: GridApi): void {
  localStorage.removeItem(KEY)
  api.resetColumnState()
}
