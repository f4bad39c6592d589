// Issue 11, "a console that never says the opposite": negation, zero and exception in the local tier, and no part of a
// sentence silently dropped. The corpus docs/console-negation.jsonl holds sentences with their exact canonical command
// or an expected refusal, near-misses that flip on one word side by side. The property test below generates
// paraphrases (fillers, synonyms, reordered conditions, flipped negations) whose command is known by construction: a
// parse is either exactly that command or a refusal, never a different command.
import { readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parseCanonical, toCanonical } from '../../shared/command/canonical'
import { parseLocal } from '../../shared/command/local-parser'
import type { Command, Condition } from '../../shared/command/schema'

const NOW = '2026-11-22'
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..')
type Case = { text: string; canonical?: string; refuse?: true }
const CORPUS: Case[] = readFileSync(resolve(repoRoot, 'docs/console-negation.jsonl'), 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => JSON.parse(l) as Case)

/** A command as a comparable value: conditions as a set (their order says nothing about which lines). */
function key(cmd: Command): string {
  const where = cmd.scope.kind === 'cohort' ? cmd.scope.where.map((c) => JSON.stringify(c)).sort() : []
  return JSON.stringify({ action: cmd.action, params: cmd.params, scope: cmd.scope.kind === 'cohort' ? where : cmd.scope })
}

describe('docs/console-negation.jsonl (issue 11: negation, zero, exception)', () => {
  it('has near-misses and refusals', () => {
    expect(CORPUS.length).toBeGreaterThanOrEqual(60)
    expect(CORPUS.filter((c) => c.refuse).length).toBeGreaterThanOrEqual(8)
  })
  for (const c of CORPUS) {
    it(c.text, () => {
      const r = parseLocal(c.text, { now: NOW })
      if (c.refuse) {
        expect(r.ok, JSON.stringify(r)).toBe(false)
        if (!r.ok) expect(r.suggestion.length).toBeGreaterThan(0)
        return
      }
      expect(r.ok, JSON.stringify(r)).toBe(true)
      if (r.ok) expect(r.canonical).toBe(c.canonical)
    })
  }
})

describe('the known failures of issue 11', () => {
  it('"resume suspended accounts with a zero balance" keeps its condition (was: resume where status = suspended)', () => {
    const r = parseLocal('resume suspended accounts with a zero balance', { now: NOW })
    expect(r).toMatchObject({ ok: true, canonical: 'resume where status = suspended and past_due_cents = 0' })
  })
  it('a zero past-due amount is = 0, not > 0 (was: past_due_cents > 0, the lines that still owe)', () => {
    for (const s of ['resume suspended lines with zero past due', 'resume suspended lines with a zero past due balance', 'resume suspended lines with nothing past due'])
      expect(parseLocal(s, { now: NOW }), s).toMatchObject({ ok: true, canonical: 'resume where status = suspended and past_due_cents = 0' })
  })
  it('an unread condition is a refusal naming it, with a suggestion, never a wider cohort', () => {
    const r = parseLocal('suspend lines owing over $100 who moved', { now: NOW })
    expect(r).toMatchObject({ ok: false, error: "I could not read 'who moved'" })
    if (!r.ok) expect(r.suggestion).toMatch(/^try conditions the console knows/)
    expect(parseLocal('resume suspended lines with a zero balance that were never late', { now: NOW })).toMatchObject({ ok: false, error: "I could not read 'that were never late'" })
  })
  it('"except tagged vip" does not eat the new tag', () => {
    expect(parseLocal('tag all lines except those tagged vip as review', { now: NOW })).toMatchObject({ ok: true, canonical: 'tag tag=review where tag != vip' })
  })
  it('two readings of one field are refused, not one of them dropped', () => {
    expect(parseLocal('suspend lines that owe nothing and are past due', { now: NOW }).ok).toBe(false)
  })
})

// ---------------------------------------------------------------------------------------------------------------------
// The safety property

const w = (field: string, op: string, value: unknown) => ({ field, op, value }) as Condition

/** A clause after "lines", its phrasings with and without negation, and the condition each means. */
interface Clause {
  field: string
  pos: string[]
  neg: string[]
  yes: Condition
  no: Condition
}
const CLAUSES: Clause[] = [
  { field: 'state', pos: ['in Texas', 'in TX'], neg: ['outside Texas', 'not in Texas', 'outside of Texas', 'except those in Texas'], yes: w('state', '=', 'TX'), no: w('state', '!=', 'TX') },
  { field: 'plan', pos: ['on Mobile 5GB', 'on DATA_5', 'on the 5 gig plan'], neg: ['not on Mobile 5GB', 'on any plan other than Mobile 5GB', 'not on DATA_5'], yes: w('plan', '=', 'DATA_5'), no: w('plan', '!=', 'DATA_5') },
  {
    field: 'past_due_cents',
    pos: ['that owe money', 'with a balance', 'that are past due', 'with a past due balance', 'that owe anything'],
    neg: ['that owe nothing', 'with a zero balance', 'with no balance', "that don't owe anything", 'with nothing past due', 'with zero past due', 'that are not past due', 'that owe us nothing'],
    yes: w('past_due_cents', '>', 0),
    no: w('past_due_cents', '=', 0),
  },
  { field: 'failed_payments', pos: ['with failed payments'], neg: ['with no failed payments', 'with zero failed payments', 'without failed payments', 'that have not had failed payments'], yes: w('failed_payments', '>', 0), no: w('failed_payments', '=', 0) },
  { field: 'addon', pos: ['with hotspot', 'that have hotspot'], neg: ['without hotspot', "that don't have hotspot", 'with no hotspot'], yes: w('addon', '=', 'HOTSPOT'), no: w('addon', '!=', 'HOTSPOT') },
  { field: 'tag', pos: ['tagged vip'], neg: ['except those tagged vip', 'not tagged vip'], yes: w('tag', '=', 'vip'), no: w('tag', '!=', 'vip') },
  { field: 'status', pos: ['that are active', 'that are currently active'], neg: ['that are not active', "that aren't active", 'that are no longer active'], yes: w('status', '=', 'active'), no: w('status', '!=', 'active') },
  { field: 'account_type', pos: ['on business accounts', 'that are business'], neg: ['except business customers', 'that are not business', 'other than business lines'], yes: w('account_type', '=', 'business'), no: w('account_type', '!=', 'business') },
  { field: 'wallet_cents', pos: ['with wallet credit'], neg: ['with an empty wallet', 'with no wallet credit', 'with zero wallet credit'], yes: w('wallet_cents', '>', 0), no: w('wallet_cents', '=', 0) },
]
const ACTIONS: { before: string; after: string; cmd: (where: Condition[]) => Command }[] = [
  { before: 'suspend', after: '', cmd: (where) => ({ action: 'suspend', params: {}, scope: { kind: 'cohort', where } }) as Command },
  { before: 'resume', after: '', cmd: (where) => ({ action: 'resume', params: {}, scope: { kind: 'cohort', where } }) as Command },
  { before: 'tag', after: ' as review', cmd: (where) => ({ action: 'tag', params: { tag: 'review' }, scope: { kind: 'cohort', where } }) as Command },
  { before: 'credit $5 to', after: '', cmd: (where) => ({ action: 'credit_wallet', params: { amount_cents: 500 }, scope: { kind: 'cohort', where } }) as Command },
]
const COURTESY = ['', 'please ', 'can you ', 'now ']
const NOUNS = ['lines', 'all lines', 'every line', 'all customers', 'the lines', 'all subscribers']
const JOIN = [' ', ' and ', ', ']

const sentenceArb = fc
  .record({
    action: fc.constantFrom(...ACTIONS),
    courtesy: fc.constantFrom(...COURTESY),
    noun: fc.constantFrom(...NOUNS),
    picks: fc.uniqueArray(fc.record({ clause: fc.constantFrom(...CLAUSES), neg: fc.boolean(), which: fc.nat() }), { minLength: 1, maxLength: 4, selector: (p) => p.clause.field }),
    joins: fc.array(fc.constantFrom(...JOIN), { minLength: 4, maxLength: 4 }),
    shout: fc.boolean(),
  })
  .map(({ action, courtesy, noun, picks, joins, shout }) => {
    const phrases = picks.map((p) => {
      const list = p.neg ? p.clause.neg : p.clause.pos
      return list[p.which % list.length]
    })
    const body = phrases.map((ph, i) => (i === 0 ? ph : `${joins[i]}${ph}`)).join('')
    const text = `${courtesy}${action.before} ${noun} ${body}${action.after}`
    const expected = action.cmd(picks.map((p) => (p.neg ? p.clause.no : p.clause.yes)))
    return { text: shout ? text[0].toUpperCase() + text.slice(1) : text, expected }
  })

describe('safety property: exact or a refusal, never a different command', () => {
  it('generated paraphrases with flipped negations', () => {
    let exact = 0
    let runs = 0
    fc.assert(
      fc.property(sentenceArb, ({ text, expected }) => {
        runs++
        const r = parseLocal(text, { now: NOW })
        if (!r.ok) return
        expect(key(r.command), `${text}\n  got:  ${r.canonical}\n  want: ${toCanonical(expected)}`).toBe(key(expected))
        exact++
      }),
      { numRuns: 400, seed: 11 },
    )
    // the property must not hold only because everything is refused (today: 398 of 400 exact)
    expect(exact).toBeGreaterThan(runs * 0.9)
  })

  it('the corpus under fillers, courtesy and spacing', () => {
    // (a message runs to the end of the sentence: a suffix would be part of it)
    const ok = CORPUS.filter((c) => c.canonical && !c.text.includes(':'))
    fc.assert(
      fc.property(fc.constantFrom(...ok), fc.constantFrom('please ', 'can you ', 'ok ', ''), fc.constantFrom(' please', ' now', '.', ''), fc.boolean(), (c, pre, post, spaces) => {
        const text = `${pre}${spaces ? c.text.replace(/ /g, '  ') : c.text}${post}`
        const r = parseLocal(text, { now: NOW })
        if (!r.ok) return
        const want = parseCanonical(c.canonical!)
        expect(want.ok).toBe(true)
        if (want.ok) expect(key(r.command), text).toBe(key(want.command))
      }),
      { numRuns: 300, seed: 7 },
    )
  })
})
