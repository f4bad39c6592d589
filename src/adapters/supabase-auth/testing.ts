// Test support (a second door, for tests and e2e only): the loopback GoTrue and the authenticator app's code.
export { startFakeGoTrue, send, type FakeGoTrue, type FakeUser, type MagicLinkMail } from './fake/server'
export { totpCode } from './totp'
export { authConformance, type ConformanceEnv } from './conformance'
