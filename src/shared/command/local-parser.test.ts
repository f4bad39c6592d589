import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parseCanonical } from './canonical'
import { commandArb } from './command-arbitrary'
import { EVERY_LINE_WARNING, parseLocal } from './local-parser'
import { CORPUS, CORPUS_NOW } from './local-parser.corpus'
import { CORPUS_MORE } from './local-parser.corpus-more'
import { validateCommand } from './schema'

describe('local parser: corpus', () => {
  it(`has a broad corpus (${CORPUS.length} sentences)`, () => {
    expect(CORPUS.length).toBeGreaterThanOrEqual(80)
  })
  for (const c of CORPUS) {
    it(c.text || '(empty)', () => {
      const r = parseLocal(c.text, { now: CORPUS_NOW })
      if ('error' in c) {
        expect(r.ok, JSON.stringify(r)).toBe(false)
        if (!r.ok) {
          expect(r.error.length).toBeGreaterThan(0)
          expect(r.suggestion.length).toBeGreaterThan(0)
          if (c.match) expect(r.error).toMatch(c.match)
        }
        return
      }
      expect(r).toMatchObject({ ok: true, tier: 'local' })
      if (!r.ok) return
      expect(r.command).toStrictEqual(c.command)
      // what it answers is valid, and its canonical text reads back to the same command
      expect(validateCommand(r.command)).toEqual({ ok: true, command: r.command })
      expect(parseCanonical(r.canonical)).toEqual({ ok: true, command: r.command })
    })
  }
})

describe('local parser: regression sentences', () => {
  for (const c of CORPUS_MORE) {
    it(c.text, () => {
      const r = parseLocal(c.text, { now: CORPUS_NOW })
      expect(r.ok ? r.command : r).toStrictEqual(c.command)
    })
  }
})

describe('local parser: invariants', () => {
  // the same command whatever the courtesy, spacing, capitals or final punctuation (messages and quotes aside)
  const variants = (s: string) => [s + '.', 'please ' + s, s[0].toUpperCase() + s.slice(1), s.replace(/ /g, '  '), s.toUpperCase(), s + ' please', 'can you ' + s + '?', s + ' now']
  const plain = [...CORPUS.flatMap((c) => ('command' in c ? [c] : [])), ...CORPUS_MORE].filter((c) => !/[:"']|\b(?:saying|says)\b/.test(c.text))
  it(`reads ${plain.length * 8} variants of ${plain.length} sentences the same`, () => {
    for (const c of plain)
      for (const v of variants(c.text)) {
        const r = parseLocal(v, { now: CORPUS_NOW })
        expect(r.ok, v).toBe(true)
        if (!r.ok) continue
        const params = r.command.params as { reason?: string }
        // a shouted reason is kept as typed
        const got = params.reason && v === c.text.toUpperCase() ? { ...r.command, params: { ...params, reason: params.reason.toLowerCase() } } : r.command
        const want = c.command.params && 'reason' in c.command.params && v === c.text.toUpperCase()
          ? { ...c.command, params: { ...c.command.params, reason: String((c.command.params as { reason: string }).reason).toLowerCase() } }
          : c.command
        expect(got, v).toStrictEqual(want)
      }
  })
})

describe('local parser: rules', () => {
  it('flags an empty cohort', () => {
    const r = parseLocal('suspend all lines')
    expect(r).toMatchObject({ ok: true, warnings: [EVERY_LINE_WARNING], command: { scope: { kind: 'cohort', where: [] } } })
    const narrowed = parseLocal('suspend all lines in Texas')
    expect(narrowed.ok && narrowed.warnings).toEqual([])
  })

  it('names the unknown plan and suggests the nearest real ones', () => {
    const r = parseLocal('move lines on Mobile 7GB to Mobile 15GB')
    expect(r).toMatchObject({ ok: false, error: "unknown plan 'Mobile 7GB'" })
    if (!r.ok) expect(r.suggestion).toMatch(/Mobile 5GB \(DATA_5\) or Mobile 15GB \(DATA_15\)/)
  })

  it('asks for the missing target plan instead of guessing', () => {
    expect(parseLocal('change plan for 5125550123')).toMatchObject({ ok: false, error: 'which plan?' })
  })

  it('refuses requests outside the contract instead of mapping them to the nearest action', () => {
    for (const text of ['delete all subscribers', 'port out 5125550123', 'refund $5 to 5125550123', 'disconnect account ACC-000123', 'throttle lines in Texas'])
      expect(parseLocal(text).ok, text).toBe(false)
  })

  it('reads relative activation dates against the given now', () => {
    const r = parseLocal('tag lines activated in the last 7 days as new', { now: new Date('2026-01-03T12:00:00Z') })
    expect(r.ok && r.command.scope).toEqual({ kind: 'cohort', where: [{ field: 'activated_at', op: '>=', value: '2025-12-27' }] })
  })

  it('keeps the message as typed (case, punctuation, colons)', () => {
    const r = parseLocal('email all business lines: Reminder: invoices are due on 12/01. Thanks!')
    expect(r.ok && r.command.params).toEqual({ channel: 'email', message: 'Reminder: invoices are due on 12/01. Thanks!' })
  })
})

describe('local parser: robustness (property)', () => {
  const vocabulary = [
    'suspend', 'resume', 'credit', 'text', 'email', 'tag', 'untag', 'move', 'add', 'remove', 'all', 'lines', 'on', 'in',
    'to', 'with', 'more', 'than', 'less', 'at', 'least', 'Mobile 5GB', 'Mobile 7GB', 'Texas', 'TX', 'OK', 'and', 'or', 'not',
    '$5', '3', '500 MB', '2 GB', '30 days', 'past due', 'failed payments', 'remaining', 'used', 'hotspot', 'ACC-000123',
    '512-555-0123', 'for', 'follow-up', ':', '"', 'between', 'activated', 'before', '2025-01-01', 'unlimited', 'zip', '78701',
    'business', 'active', 'suspended', 'owing', 'over', 'wallet', 'tagged', 'vip', 'in a row', 'ago', 'last', '+', ',', 'gig',
  ]
  const sentence = fc.array(fc.constantFrom(...vocabulary), { minLength: 0, maxLength: 14 }).map((ws) => ws.join(' '))

  it('never throws on junk and always answers in shape', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 120 }), sentence), (s) => {
        const r = parseLocal(s)
        if (r.ok) {
          expect(validateCommand(r.command).ok).toBe(true)
          expect(parseCanonical(r.canonical)).toEqual({ ok: true, command: r.command })
        } else {
          expect(typeof r.error).toBe('string')
          expect(typeof r.suggestion).toBe('string')
          expect(r.error.length).toBeGreaterThan(0)
        }
      }),
      { numRuns: 3000 },
    )
  })

  it('answers non-strings with an error', () => {
    for (const v of [undefined, null, 42, {}, ['suspend all']]) expect(parseLocal(v as unknown).ok).toBe(false)
  })

  it('reads the canonical text of any command back through the canonical parser, not the local one', () => {
    // the local tier is for sentences; canonical text is recognized by parseSentence. This checks the local tier does
    // not crash on it either.
    fc.assert(
      fc.property(commandArb, (c) => {
        const r = parseLocal(JSON.stringify(c))
        expect(typeof r.ok).toBe('boolean')
      }),
      { numRuns: 300 },
    )
  })
})
