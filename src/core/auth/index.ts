// Identity on the workstation: the auth API (sign-in, two-step, sign-out) and the idle lock that gates every data
// procedure server side.
export { authHandlers, idleLockFor } from './handlers'
export { IdleLock } from './lock'
export type { IdleLockOptions, OsUnlock } from './lock'
