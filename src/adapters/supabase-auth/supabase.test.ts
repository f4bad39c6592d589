// The supabase-js AuthClient against the loopback GoTrue: the conformance suite.
import { afterAll, beforeAll } from 'vitest'
import { SupabaseAuth } from './index'
import { authConformance, startFakeGoTrue, type FakeGoTrue } from './testing'

let gotrue: FakeGoTrue
const operator = { email: 'op@wingtel.example', password: 'op-pass-1' }
const admin = { email: 'admin@wingtel.example', password: 'admin-pass-1' }

beforeAll(async () => {
  gotrue = await startFakeGoTrue({ users: [{ ...operator, role: 'operator' }, { ...admin, role: 'admin', mfaRequired: true }] })
})
afterAll(async () => {
  await gotrue?.close()
})

authConformance('supabase-js against the fake GoTrue', () => ({
  client: () => new SupabaseAuth(gotrue.url, 'anon-key-for-tests'),
  operator,
  admin,
  lastMailToken: (email) => [...gotrue.outbox].reverse().find((m) => m.to === email)!.token,
  serverNowMs: () => gotrue.now() * 1000,
}))
