// A set of lines handed from one screen to another (the subscriber grid → the console). Kept in memory for the session.

export interface LineSelection {
  lineIds: number[]
  /** what a person reads: "12 lines from Subscribers (status: suspended)" */
  label: string
}

let current: LineSelection | null = null
const listeners = new Set<(s: LineSelection | null) => void>()

export function setSelection(s: LineSelection | null): void {
  current = s
  listeners.forEach((fn) => fn(current))
}

export function getSelection(): LineSelection | null {
  return current
}

export function subscribeSelection(fn: (s: LineSelection | null) => void): () => void {
  listeners.add(fn)
  return () => listeners.delete(fn)
}
