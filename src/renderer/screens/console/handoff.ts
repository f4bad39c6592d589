// A saved draft handed from History to the console (kept in memory for the session): the console opens it, parses its
// canonical text and previews it again against today's data, so an operator or admin can commit it.

export interface ConsoleDraft {
  sentence: string
  canonical: string
  batchId: string
}

let pending: ConsoleDraft | null = null

export function openDraftInConsole(d: ConsoleDraft): void {
  pending = d
}

/** The draft to open, once. */
export function takeDraft(): ConsoleDraft | null {
  const d = pending
  pending = null
  return d
}
