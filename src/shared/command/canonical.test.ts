import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { looksCanonical, parseCanonical, toCanonical } from './canonical'
import { commandArb } from './command-arbitrary'
import { validateCommand, type Command } from './schema'

describe('canonical text form', () => {
  it('prints the contract examples exactly', () => {
    const cases: [Command, string][] = [
      [
        { action: 'suspend', params: { reason: 'non-payment' }, scope: { kind: 'cohort', where: [{ field: 'failed_payments', op: '>', value: 3 }] } },
        'suspend reason="non-payment" where failed_payments > 3',
      ],
      [
        {
          action: 'change_plan',
          params: { plan: 'DATA_15' },
          scope: { kind: 'cohort', where: [{ field: 'plan', op: '=', value: 'DATA_5' }, { field: 'data_remaining_mb', op: '<', value: 500 }] },
        },
        'change_plan plan=DATA_15 where plan = DATA_5 and data_remaining_mb < 500',
      ],
      [
        { action: 'credit_wallet', params: { amount_cents: 500, reason: 'network outage' }, scope: { kind: 'line', msisdn: '+15125550123' } },
        'credit_wallet amount_cents=500 reason="network outage" line +15125550123',
      ],
      [{ action: 'resume', params: {}, scope: { kind: 'account', account: 'ACC-000123' } }, 'resume account ACC-000123'],
      [
        {
          action: 'send_notification',
          params: { channel: 'sms', message: 'Your data is almost used up' },
          scope: { kind: 'cohort', where: [{ field: 'status', op: '=', value: 'active' }, { field: 'state', op: 'in', value: ['TX', 'OK'] }] },
        },
        'send_notification channel=sms message="Your data is almost used up" where status = active and state in (TX, OK)',
      ],
      [
        { action: 'tag', params: { tag: 'follow-up' }, scope: { kind: 'list', source: 'march churn.csv', msisdns: ['+15125550123', '+17375550199'] } },
        'tag tag=follow-up list "march churn.csv" (+15125550123, +17375550199)',
      ],
      [{ action: 'suspend', params: {}, scope: { kind: 'cohort', where: [] } }, 'suspend all'],
      [
        { action: 'resume', params: {}, scope: { kind: 'cohort', where: [{ field: 'zip', op: 'not in', value: ['78701', '73301'] }, { field: 'activated_at', op: '<', value: '2025-01-01' }] } },
        'resume where zip not in (78701, 73301) and activated_at < 2025-01-01',
      ],
    ]
    for (const [cmd, text] of cases) {
      expect(validateCommand(cmd).ok).toBe(true)
      expect(toCanonical(cmd)).toBe(text)
      expect(parseCanonical(text)).toEqual({ ok: true, command: cmd })
    }
  })

  it('round-trips every valid command exactly (property)', () => {
    fc.assert(
      fc.property(commandArb, (cmd) => {
        expect(validateCommand(cmd)).toEqual({ ok: true, command: cmd })
        const text = toCanonical(cmd)
        const back = parseCanonical(text)
        expect(back).toEqual({ ok: true, command: cmd })
        // and it is a fixed point
        if (back.ok) expect(toCanonical(back.command)).toBe(text)
      }),
      { numRuns: 2000 },
    )
  })

  it('quotes messages with quotes, backslashes and newlines', () => {
    const cmd: Command = {
      action: 'send_notification',
      params: { channel: 'email', message: 'He said "hi" \\ then\nleft, (really) = yes' },
      scope: { kind: 'line', msisdn: '+15125550123' },
    }
    const text = toCanonical(cmd)
    expect(text).toBe('send_notification channel=email message="He said \\"hi\\" \\\\ then\\nleft, (really) = yes" line +15125550123')
    expect(parseCanonical(text)).toEqual({ ok: true, command: cmd })
  })

  it('accepts loose spacing and normalizes phone numbers when edited by hand', () => {
    expect(parseCanonical('  credit_wallet   amount_cents=500   line 512-555-0123 ')).toEqual({
      ok: true,
      command: { action: 'credit_wallet', params: { amount_cents: 500 }, scope: { kind: 'line', msisdn: '+15125550123' } },
    })
    expect(parseCanonical('suspend where state in(TX,OK)')).toMatchObject({ ok: true })
  })

  it('answers edits it cannot read with an error and a suggestion', () => {
    const bad = [
      'delete where status = active',
      'suspend',
      'suspend where',
      'suspend where status = asleep',
      'suspend where plan = DATA_7',
      'change_plan line +15125550123',
      'change_plan plan=DATA_5 plan=DATA_1 all',
      'credit_wallet amount_cents=five all',
      'credit_wallet amount_cents=0 all',
      'send_notification channel=sms message="unterminated all',
      'suspend where state in (TX, OK',
      'suspend all and more',
      'suspend where failed_payments >',
      'tag tag="Follow Up" all',
      'resume line 123',
      'suspend where bogus = 1',
      'suspend where tag in (a, b)',
    ]
    for (const text of bad) {
      const r = parseCanonical(text)
      expect(r.ok, text).toBe(false)
      if (!r.ok) {
        expect(r.error.length).toBeGreaterThan(0)
        expect(r.suggestion.length).toBeGreaterThan(0)
      }
    }
  })

  it('never throws on junk (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 80 }), (s) => {
        const r = parseCanonical(s)
        expect(typeof r.ok).toBe('boolean')
      }),
      { numRuns: 2000 },
    )
    fc.assert(
      fc.property(commandArb, fc.nat(), fc.string({ maxLength: 3 }), (cmd, at, junk) => {
        const text = toCanonical(cmd)
        const i = at % (text.length + 1)
        const r = parseCanonical(text.slice(0, i) + junk + text.slice(i))
        expect(typeof r.ok).toBe('boolean')
      }),
      { numRuns: 2000 },
    )
  })

  it('recognizes canonical-looking text', () => {
    expect(looksCanonical('change_plan plan=DATA_5 all')).toBe(true)
    expect(looksCanonical('resume account ACC-000123')).toBe(true)
    expect(looksCanonical('suspend reason="x" all')).toBe(true)
    expect(looksCanonical('suspend all lines with more than 3 failed payments')).toBe(true)
    expect(looksCanonical('move everyone on Mobile 5GB to Mobile 15GB')).toBe(false)
    expect(looksCanonical('tag all suspended lines in Texas for follow-up')).toBe(true)
  })
})
