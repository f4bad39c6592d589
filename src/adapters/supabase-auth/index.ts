// Supabase Auth (GoTrue), the workstation's identity provider: email + password, magic link, TOTP MFA, refresh and
// sign-out. The interface (types.ts) is what the core needs; supabase.ts implements it with supabase-js `auth`;
// fake/server.ts is a loopback GoTrue for the tests and conformance.ts the suite both must pass.
//
// The role is never chosen here: it is the JWT's `app_metadata.role`, set by an admin on the server. The same
// app_metadata may carry `mfa_required: true` (admins require a second factor per role or per person); a session whose
// JWT says `aal: aal1` must then complete a TOTP challenge before the workstation proceeds.
export * from './types'
export { SupabaseAuth } from './supabase'
export { otpauthUri } from './totp'
