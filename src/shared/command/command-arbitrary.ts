// fast-check generators of valid commands, for property tests (canonical round trip, preview, commit). Test support
// only: nothing in the app imports this file.
import fc from 'fast-check'
import { ADDON_CODES, CHANNELS, FIELDS, PLAN_CODES, REASON_MAX, type Command, type Condition, type FieldDef, type Scope } from './schema'
import { US_STATE_CODES } from './us-states'
import { ACCOUNT_TYPES, LINE_STATUSES } from '../domain/line'

const digit = fc.integer({ min: 0, max: 9 }).map(String)
const digits = (n: number) => fc.array(digit, { minLength: n, maxLength: n }).map((a) => a.join(''))
const nxx = fc.tuple(fc.integer({ min: 2, max: 9 }), digits(2)).map(([a, b]) => `${a}${b}`)

export const msisdnArb = fc.tuple(nxx, nxx, digits(4)).map(([a, b, c]) => `+1${a}${b}${c}`)
export const accountArb = digits(6).map((d) => `ACC-${d}`)
export const tagArb = fc
  .tuple(fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789'), fc.stringMatching(/^[a-z0-9_-]{0,20}$/))
  .map(([a, b]) => a + b)
/** text with quotes, backslashes, unicode and newlines, that still says something */
export const textArb = (max: number) =>
  fc
    .string({ unit: fc.oneof(fc.constantFrom('"', '\\', ' ', '\n', 'é', '💡', "'", ',', ')', '='), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })), minLength: 1, maxLength: Math.min(max, 60) })
    .filter((s) => /\S/.test(s))
export const dateArb = fc
  .date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2030-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10))

function scalarArb(f: FieldDef): fc.Arbitrary<string | number> {
  switch (f.type) {
    case 'plan':
      return fc.constantFrom(...PLAN_CODES)
    case 'addon':
      return fc.constantFrom(...ADDON_CODES)
    case 'status':
      return fc.constantFrom(...LINE_STATUSES)
    case 'account_type':
      return fc.constantFrom(...ACCOUNT_TYPES)
    case 'state':
      return fc.constantFrom(...US_STATE_CODES)
    case 'zip':
      return digits(5)
    case 'account':
      return accountArb
    case 'tag':
      return tagArb
    case 'date':
      return dateArb
    case 'int':
      return fc.integer({ min: 0, max: 10_000_000 })
    case 'number':
      return f.name === 'data_used_mb'
        ? fc.oneof(fc.integer({ min: 0, max: 1_000_000 }), fc.double({ min: 0, max: 1e6, noNaN: true, noDefaultInfinity: true }))
        : fc.oneof(fc.integer({ min: -1000, max: 1_000_000 }), fc.double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true }))
  }
}

export const conditionArb: fc.Arbitrary<Condition> = fc.constantFrom(...(FIELDS as readonly FieldDef[])).chain((f) =>
  fc.constantFrom(...f.ops).chain((op) =>
    (op === 'in' || op === 'not in' ? fc.array(scalarArb(f), { minLength: 1, maxLength: 4 }) : scalarArb(f)).map(
      (value) => ({ field: f.name, op, value }) as Condition,
    ),
  ),
)

export const scopeArb: fc.Arbitrary<Scope> = fc.oneof(
  msisdnArb.map((msisdn) => ({ kind: 'line' as const, msisdn })),
  accountArb.map((account) => ({ kind: 'account' as const, account })),
  fc
    .tuple(textArb(255), fc.array(msisdnArb, { minLength: 1, maxLength: 5 }))
    .map(([source, msisdns]) => ({ kind: 'list' as const, source, msisdns })),
  fc.array(conditionArb, { maxLength: 5 }).map((where) => ({ kind: 'cohort' as const, where })),
)

const reasonArb = fc.option(textArb(REASON_MAX), { nil: undefined })
const withReason = <T extends object>(p: T, reason: string | undefined) => (reason === undefined ? p : { ...p, reason })

export const paramsArb = fc.oneof(
  fc.constantFrom(...PLAN_CODES).map((plan) => ({ action: 'change_plan' as const, params: { plan } })),
  fc.constantFrom(...ADDON_CODES).map((addon) => ({ action: 'add_addon' as const, params: { addon } })),
  fc.constantFrom(...ADDON_CODES).map((addon) => ({ action: 'remove_addon' as const, params: { addon } })),
  fc
    .tuple(fc.integer({ min: 1, max: 1_000_000 }), reasonArb)
    .map(([amount_cents, r]) => ({ action: 'credit_wallet' as const, params: withReason({ amount_cents }, r) })),
  reasonArb.map((r) => ({ action: 'suspend' as const, params: withReason({}, r) })),
  fc.constant({ action: 'resume' as const, params: {} }),
  fc
    .tuple(fc.constantFrom(...CHANNELS), textArb(1000))
    .map(([channel, message]) => ({ action: 'send_notification' as const, params: { channel, message } })),
  tagArb.map((tag) => ({ action: 'tag' as const, params: { tag } })),
  tagArb.map((tag) => ({ action: 'untag' as const, params: { tag } })),
)

export const commandArb: fc.Arbitrary<Command> = fc
  .tuple(paramsArb, scopeArb)
  .map(([ap, scope]) => ({ action: ap.action, params: ap.params, scope }) as Command)
