import { describe, expect, it } from 'vitest'
import { openDraftInConsole, takeDraft } from './handoff'

describe('draft handoff from History to the console', () => {
  it('hands the last draft over once', () => {
    expect(takeDraft()).toBeNull()
    openDraftInConsole({ sentence: 'a', canonical: 'suspend all', batchId: 'b1' })
    openDraftInConsole({ sentence: 'b', canonical: 'resume all', batchId: 'b2' })
    expect(takeDraft()).toEqual({ sentence: 'b', canonical: 'resume all', batchId: 'b2' })
    expect(takeDraft()).toBeNull()
  })
})
