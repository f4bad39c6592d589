// Shared state and small readers of the local parser (local-parser.ts, local-conditions.ts).
import type { Action } from './schema'
import type { Tok } from './local-lexicon'

/**
 * Why the local tier gave up: `refused` (outside the contract) and `invalid` (names a plan, number or date that does not
 * exist) are final answers; `unreadable` (it could not place part of the sentence) may be worth asking the LLM tier.
 */
export type FailKind = 'refused' | 'invalid' | 'unreadable'

export class ParseFail extends Error {
  constructor(
    message: string,
    readonly suggestion: string,
    readonly kind: FailKind = 'unreadable',
  ) {
    super(message)
  }
}
export function fail(error: string, suggestion: string, kind: FailKind = 'unreadable'): never {
  throw new ParseFail(error, suggestion, kind)
}


export const SCOPE_WORDS = new Set([
  'all', 'every', 'everyone', 'everybody', 'each', 'any', 'line', 'lines', 'the', 'a', 'an', 'account', 'accounts',
  'customer', 'customers', 'subscriber', 'subscribers', 'user', 'users', 'number', 'numbers', 'them', 'those', 'these',
  'it', 'their', 'my', 'our', 'phone', 'phones', 'sim', 'sims', 'device', 'devices', 'plan', 'plans', 'from', 'on', 'in',
  'to', 'for', 'of', 'with', 'where', 'that', 'who', 'whose', 'which', 'across', 'at', 'and', 'or', 'by', 'tag', 'tags',
  'as', 'is', 'are', 'people', 'members', 'folks', 'whole', 'entire', 'base', 'off', 'please', 'now', 'today',
  'flag', 'label', 'mark', ',', ';', '/', 'has', 'have', 'had', 'without', 'not', 'no', 'except', 'tagged', 'this',
])
export const ALL_WORDS = /^(?:all|every|everyone|everybody|each|entire|whole)$/

export interface Ctx {
  toks: Tok[]
  used: Set<number>
  cased: string
  now: Date
  warnings: string[]
  action: Action
}

export function rawOf(ctx: Ctx, t: Tok): string {
  return ctx.cased.slice(t.s, t.e).trim()
}


/** index of the previous word token, skipping the given filler words */
export function prevWord(ctx: Ctx, i: number, skip: RegExp = /^(?:the|a|an)$/): number {
  for (let j = i - 1; j >= 0; j--) {
    const t = ctx.toks[j]
    if (t.k === 'word' && skip.test(t.w)) continue
    return j
  }
  return -1
}
export function isWord(t: Tok | undefined, re: RegExp): boolean {
  return !!t && t.k === 'word' && re.test(t.w)
}


export function tagOf(s: string): string {
  const tag = s
    .trim()
    .toLowerCase()
    .replace(/^#/, '')
    .replace(/[\s_]+/g, '-')
  if (!/^[a-z0-9][a-z0-9_-]{0,63}$/.test(tag)) fail(`'${s}' is not a tag`, 'tags are lower-case words joined by hyphens, e.g. follow-up')
  return tag
}

export const TAG_STOP = /^(?:from|on|in|to|for|of|with|where|that|who|whose|which|across|at|and|or|by|if|when|,|;|\/|whom|so|because|since|as|except|excluding|outside|not|without|other|but|all|every|each|any|lines?|accounts?|customers?|subscribers?|users?|them|those|these|it)$/

/** reads a tag made of plain words starting at token i ("follow up" → follow-up); returns [tag, end index] */
export function tagWordsAt(ctx: Ctx, i: number): [string, number] | null {
  const words: string[] = []
  let j = i
  while (j < ctx.toks.length && words.length < 3) {
    const t = ctx.toks[j]
    if (t.k !== 'word' || TAG_STOP.test(t.w) || (words.length === 0 && SCOPE_WORDS.has(t.w))) break
    if (/^tags?$/.test(t.w)) break
    words.push(t.w.replace(/^#/, ''))
    j++
  }
  return words.length ? [words.join('-'), j] : null
}


export const NEG_WORD = /^(?:not|except|excluding|exclude|outside|without|besides|non|no|aren't|isn't|don't|doesn't|haven't|hasn't|wasn't|weren't|lacking|lack|lacks|missing|other)$/
/** a negation word within a few plain words before token i ("not in Texas", "except those on Mobile 1GB") */
export function negatedBefore(ctx: Ctx, i: number): boolean {
  for (let j = i - 1, n = 0; j >= 0 && n < 4; j--, n++) {
    const t = ctx.toks[j]
    // a word another condition already read ("owe nothing with wallet credit") is not this one's negation
    if (t.k !== 'word' || ctx.used.has(j)) return false
    if (/^(?:and|or|,|;)$/.test(t.w) && n > 0) return false
    if (NEG_WORD.test(t.w)) {
      ctx.used.add(j)
      if (t.w === 'other' && isWord(ctx.toks[j + 1], /^than$/)) ctx.used.add(j + 1)
      // "no longer active"
      if (t.w === 'no' && isWord(ctx.toks[j + 1], /^longer$/)) ctx.used.add(j + 1)
      return true
    }
    // only glue may stand between a negation and what it negates: in "with no balance in Texas" the "no" is the
    // balance's, not Texas's
    if (!NEG_BRIDGE.test(t.w)) return false
  }
  return false
}
const NEG_BRIDGE =
  /^(?:the|a|an|any|in|on|of|from|to|for|with|than|longer|those|that|who|which|ones?|are|is|be|been|being|have|has|had|currently|lines?|customers?|accounts?|subscribers?|users?|plans?|states?|tagged|zip|zips|codes?|postal|an?)$/


/** "zero", "nothing", "none", "no" within a few plain words before token i ("with a zero balance", "nothing past due") */
export function zeroBefore(ctx: Ctx, i: number): boolean {
  for (let j = i - 1, n = 0; j >= 0 && n < 3; j--, n++) {
    const t = ctx.toks[j]
    if (t.k !== 'word' || ctx.used.has(j) || /^(?:and|or|,|;)$/.test(t.w)) return false
    if (/^(?:zero|nothing|none|nil|no)$/.test(t.w)) {
      ctx.used.add(j)
      return true
    }
  }
  return false
}
