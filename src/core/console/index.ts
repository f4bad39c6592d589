// The AI command console: sentence -> validated command -> preview on the local store -> commit into the outbox ->
// rollback. Its API handlers are the way in; the parser is also used by the CLI's offline `console parse`.
export { consoleHandlers } from './handlers'
export { llmSettings } from './llm-parser'
export type { LlmSettings } from './llm-parser'
export { parseSentence } from './parse'
export type { ParseTier } from './parse'
export { actAsForProcess, currentSession, endActAs, signOut as signOutDemo } from './session'
