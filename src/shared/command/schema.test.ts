import { describe, expect, it } from 'vitest'
import { ACTIONS, FIELD_NAMES, commandToolJsonSchema, validateCommand } from './schema'

const line = { kind: 'line', msisdn: '+15125550123' }

describe('command schema', () => {
  it('accepts the contract examples and refuses what is outside it, with a suggestion', () => {
    expect(validateCommand({ action: 'resume', params: {}, scope: { kind: 'account', account: 'ACC-000123' } }).ok).toBe(true)
    const cases: [unknown, RegExp][] = [
      [{ action: 'delete', params: {}, scope: line }, /unsupported action "delete"/],
      [{ action: 'change_plan', params: { plan: 'DATA_7' }, scope: line }, /unknown plan "DATA_7"/],
      [{ action: 'change_plan', params: {}, scope: line }, /which plan\?/],
      [{ action: 'credit_wallet', params: { amount_cents: 5.5 }, scope: line }, /whole number of cents/],
      [{ action: 'credit_wallet', params: { amount_cents: 0 }, scope: line }, /whole number of cents/],
      [{ action: 'send_notification', params: { channel: 'fax', message: 'x' }, scope: line }, /unknown channel "fax"/],
      [{ action: 'send_notification', params: { channel: 'sms', message: '   ' }, scope: line }, /bad message/],
      [{ action: 'tag', params: { tag: 'Follow Up' }, scope: line }, /bad tag/],
      [{ action: 'resume', params: { reason: 'x' }, scope: line }, /resume does not take reason/],
      [{ action: 'resume', params: {}, scope: { kind: 'line', msisdn: '5125550123' } }, /bad phone number/],
      [{ action: 'resume', params: {}, scope: { kind: 'cohort', where: [{ field: 'state', op: 'in', value: ['TX', 'ZZ'] }] } }, /bad value for state/],
      [{ action: 'resume', params: {}, scope: { kind: 'cohort', where: [{ field: 'state', op: '=', value: ['TX'] }] } }, /bad value for state/],
      [{ action: 'resume', params: {}, scope: { kind: 'cohort', where: [{ field: 'tag', op: 'in', value: ['vip'] }] } }, /tag does not take the operator "in"/],
      [{ action: 'resume', params: {}, scope: { kind: 'cohort', where: [{ field: 'zip', op: '=', value: 78701 }] } }, /bad value for zip/],
      [{ action: 'resume', params: {}, scope: { kind: 'cohort', where: [{ field: 'activated_at', op: '<', value: '2025-02-30' }] } }, /bad value for activated_at/],
      [{ action: 'resume', params: {}, scope: { kind: 'cohort', where: [{ field: 'colour', op: '=', value: 'red' }] } }, /unknown field "colour"/],
      [{ action: 'resume', params: {}, scope: { kind: 'galaxy' } }, /scope/],
      [{ action: 'resume', params: {}, scope: line, extra: 1 }, /.+/],
      ['suspend everything', /object with action, params and scope/],
    ]
    for (const [input, re] of cases) {
      const r = validateCommand(input)
      expect(r.ok, JSON.stringify(input)).toBe(false)
      if (!r.ok) {
        expect(r.error).toMatch(re)
        expect(r.suggestion.length).toBeGreaterThan(0)
      }
    }
  })

  it('derives the tool schema from the same definitions: every action and field, anchored patterns, no $schema', () => {
    const schema = commandToolJsonSchema()
    const text = JSON.stringify(schema)
    expect(schema.$schema).toBeUndefined()
    for (const a of ACTIONS) expect(text).toContain(`"${a}"`)
    for (const f of FIELD_NAMES) expect(text).toContain(`"const":"${f}"`)
    const patterns = [...text.matchAll(/"pattern":"((?:[^"\\]|\\.)*)"/g)].map((m) => JSON.parse(`"${m[1]}"`) as string)
    expect(patterns.length).toBeGreaterThan(0)
    for (const p of patterns) expect(p).toMatch(/^\^.*\$$/)
  })
})
