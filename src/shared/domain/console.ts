// The console's plain vocabularies: roles and the demo users (until a real sign-in exists), parser tiers, batch kinds
// and op statuses. Values only, so the renderer can import them without the API router.

export const ROLES = ['operator', 'analyst', 'agent', 'finance', 'admin'] as const
export type Role = (typeof ROLES)[number]
/** Roles that commit into the outbox; every other role saves drafts only. */
export const COMMIT_ROLES: readonly Role[] = ['operator', 'admin']

export interface SessionUser {
  id: string
  name: string
  email: string
  role: Role
}

/** One demo user per role, until a real sign-in exists. */
export const DEMO_USERS: readonly SessionUser[] = [
  { id: 'demo-operator', name: 'Olivia Ortiz', email: 'olivia.operator@wingtel.example', role: 'operator' },
  { id: 'demo-analyst', name: 'Arun Shah', email: 'arun.analyst@wingtel.example', role: 'analyst' },
  { id: 'demo-agent', name: 'Grace Kim', email: 'grace.agent@wingtel.example', role: 'agent' },
  { id: 'demo-finance', name: 'Fatima Noor', email: 'fatima.finance@wingtel.example', role: 'finance' },
  { id: 'demo-admin', name: 'Adam Reyes', email: 'adam.admin@wingtel.example', role: 'admin' },
]

export const PARSER_TIERS = ['local', 'llm', 'canonical'] as const
export type ParserTier = (typeof PARSER_TIERS)[number]

export const BATCH_KINDS = ['commit', 'rollback', 'draft'] as const
export const OP_STATUSES = ['pending', 'applied', 'rejected', 'conflict', 'discarded'] as const
export type OpStatus = (typeof OP_STATUSES)[number]
