// The local parser's first step: which action the sentence asks for, or a refusal. Requests outside the contract are
// refused with a reason and a suggestion; they are never mapped to the nearest action.
import { ACTIONS, type Action, type Channel } from './schema'

export type Intent =
  | { ok: true; action: Action; verbAt: number; verbEnd: number; channel?: Channel }
  | { ok: false; error: string; suggestion: string; refused: boolean }

const SUPPORTED = `supported actions: change plan, add or remove an add-on, credit the wallet, suspend, resume, send an SMS or email, tag or untag (${ACTIONS.join(', ')})`

const ADDON_MENTION = /\b(?:hot[\s-]?spot|international|intl|int'l|top[\s-]?ups?|topup_\w+)\b/
const MONEY_MENTION = /\$\s?\d|\b\d+(?:\.\d+)?\s*(?:dollars?|bucks?|usd|cents?)\b/
const CREDIT_WORD = /\b(?:credit|credits|wallet|goodwill|compensation|courtesy|comp)\b/
const PLAN_MENTION = /\b(?:plans?\b|mobile\s*\d|home[\s-]?fi|unlimited|unl_plus|data_\d|iot|\d+\s*(?:gb|gigs?|mb)\s+plan)/

function refuse(error: string, suggestion: string, refused = true): Intent {
  return { ok: false, error, suggestion, refused }
}

interface Refusal {
  re: RegExp
  /** when this also matches, the sentence is a supported action after all (e.g. "delete the vip tag") */
  unless?: RegExp
  error: string
  suggestion: string
  /** refuse wherever it appears, not only as the sentence's verb */
  anywhere?: boolean
}

const TAG_OBJECT = /\b(?:tags?|flags?|labels?)\b/
const ADDON_LIST = 'add-ons: 1GB Data Top-up (TOPUP_1GB), 5GB Data Top-up (TOPUP_5GB), International Calling (INTL), Hotspot 10GB (HOTSPOT)'
/** "add netflix to …", "remove the roaming pack from …": an add-on that is not in the catalog */
function unknownAddon(w: string, at: number): Intent | null {
  const m = /^(?:add|enable|attach|remove|drop|disable|cancel)\s+(?:the\s+|a\s+|an\s+)?([a-z][\w+'-]*(?:\s+[a-z][\w+'-]*)?)\s+(?:(?:add[\s-]?on|feature|pack|package|bolt[\s-]?on)\s+)?(?:to|from|on|for|off)\b/.exec(w.slice(at))
  if (!m || /^(?:all|every|each|everyone|lines?|accounts?|customers?|subscribers?|users?|credit|money|funds|tags?|them|it|this|that|these|those|service|services|subscriptions?|plans?|contracts?|numbers?|sims?|devices?|phones?|wallet|balance)\b/.test(m[1]))
    return null
  return refuse(`unknown add-on '${m[1]}'`, ADDON_LIST)
}
const REFUSALS: Refusal[] = [
  {
    re: /\b(?:delete|erase|purge|wipe|destroy)\b/,
    unless: new RegExp(`${ADDON_MENTION.source}|${TAG_OBJECT.source}`),
    error: 'deleting subscribers, lines or accounts is not a console action',
    suggestion: `${SUPPORTED}. To stop service on lines, suspend them.`,
  },
  {
    re: /\bport(?:ing|ed|s)?\b|\bport[\s-]?(?:out|in)\b|\bporting\b|\b(?:another|other|a\s+different)\s+carrier\b/,
    error: 'number porting is not a console action',
    suggestion: `port requests go through the porting screen. ${SUPPORTED}`,
  },
  {
    re: /\brefund(?:s|ed|ing)?\b|\breimburse/,
    error: 'refunds are not a console action',
    suggestion: 'to give money back as wallet credit, say e.g. "credit $5 to 512-555-0123 for the outage"',
  },
  {
    re: /\b(?:charge|bill|invoice|debit|deduct|withdraw|penali[sz]e)\b/,
    error: 'charging or debiting accounts is not a console action',
    suggestion: 'the console can only credit wallets, e.g. "credit $5 to 512-555-0123"',
  },
  {
    re: /\b(?:cancel|terminate|deactivate|disconnect|close|kill|churn)\b/,
    unless: new RegExp(`${ADDON_MENTION.source}|${TAG_OBJECT.source}`),
    error: 'cancelling, disconnecting or closing service is not a console action',
    suggestion: 'to stop service without losing the number, suspend the lines (e.g. "suspend account ACC-000123")',
  },
  {
    re: /\b(?:remove|drop)\b/,
    unless: new RegExp(`${ADDON_MENTION.source}|${TAG_OBJECT.source}`),
    error: 'removing lines, accounts or subscribers is not a console action',
    suggestion: `${SUPPORTED}. To stop service on lines, suspend them.`,
  },
  {
    re: /\breconnect/,
    error: 'reconnecting disconnected lines is not a console action',
    suggestion: 'to restore a suspended line, say "resume 512-555-0123"',
  },
  {
    re: /\bhotline[sd]?\b(?!d)/,
    error: 'hotlining is not a console action',
    suggestion: 'to stop service on lines, suspend them',
  },
  {
    re: /\b(?:sim[\s-]?swap|swap\s+(?:the\s+)?sims?|esim|imei|change\s+(?:the\s+|their\s+|his\s+|her\s+)?(?:phone\s+)?(?:number|mdn|msisdn|sim|email|address|name|pin|password))\b/,
    error: 'number, SIM, device and profile changes are not console actions',
    suggestion: 'use the subscriber screen for SIM swaps and profile changes',
  },
  {
    re: /\b(?:throttle|unthrottle|reset|reboot|unlock|block|unblock|barr?|unbar|ban)\b/,
    error: 'throttling, blocking and device actions are not console actions',
    suggestion: 'to stop service use suspend, to restore it use resume',
  },
  {
    re: /^\s*(?:how\s+many|show|list|count|find|search|look\s*up|what|which|who|when|why|where|export|display|get|report)\b/,
    error: 'the console changes lines; it does not answer questions or list lines',
    suggestion: 'use the subscriber grid and its filters to look lines up, then e.g. "suspend lines owing over $100"',
  },
  {
    re: /\b(?:create|open|provision|onboard|sign\s+up)\b|\badd\s+(?:a\s+|an\s+|\d+\s+)?(?:new\s+)?(?:lines?|accounts?|subscribers?|customers?|users?)\b/,
    unless: ADDON_MENTION,
    error: 'creating lines, accounts or subscribers is not a console action',
    suggestion: 'new lines are activated through the activation flow',
  },
  {
    re: /\b(?:discount|waive|price|pricing)\b/,
    error: 'discounts and price changes are not console actions',
    suggestion: 'to compensate customers, credit their wallets, e.g. "credit $5 to every line in Texas"',
  },
  {
    re: /(?<![\w-])(?:data\s+)?(?:limits?|caps?|allowances?|quotas?|speeds?)(?![\w-])/,
    unless: /\b(?:limit(?:ed)?\s+to\s+(?:the\s+)?(?:lines?|customers?|accounts?))\b/,
    anywhere: true,
    error: 'data limits, caps and speeds are set by the plan, not by the console',
    suggestion: 'to give a line more data, change its plan ("move 512-555-0123 to Mobile 15GB") or add a top-up ("add a 1GB top-up to 512-555-0123")',
  },
  {
    re: /\bactivate\b|\bactivation\s+of\b/,
    unless: ADDON_MENTION,
    error: 'activating lines is not a console action',
    suggestion: 'new lines are activated through the activation flow; to restore a suspended line, say "resume 512-555-0123"',
  },
  {
    re: /\b(?:undo|roll\s*back|rollback|revert)\b/,
    error: 'rolling back is done from History, not by a sentence',
    suggestion: 'open History, pick the batch and roll it back',
  },
  {
    re: /\b(?:rename|update|edit)\b/,
    unless: PLAN_MENTION,
    error: 'editing subscriber or account details is not a console action',
    suggestion: SUPPORTED,
  },
]

interface Verb {
  re: RegExp
  resolve(w: string, at: number): Intent | null
}

function channelOf(w: string): Intent | Channel {
  const sms = /\b(?:text|texts|texting|txt|sms|sm)\b/.test(w)
  const email = /\be-?mails?\b|\be-?mailing\b/.test(w)
  if (sms && email) return refuse('one channel at a time: sms or email?', 'send the SMS and the email as two commands')
  if (sms) return 'sms'
  if (email) return 'email'
  return refuse('which channel: sms or email?', 'say "text …" for SMS or "email …" for email, with the message after a colon', false)
}

function notify(w: string, at: number, end: number): Intent {
  const ch = channelOf(w)
  if (typeof ch !== 'string') return ch
  return { ok: true, action: 'send_notification', verbAt: at, verbEnd: end, channel: ch }
}

const TAG_AFTER = (w: string, end: number) => /^\s+(?:(?:a|an|the|this|that)\s+)?(?:["']?[\w-]+["']?\s+)?(?:tags?|flags?|labels?)\b|^\s+(?:tags?|flags?|labels?)\b/.test(w.slice(end))

/** Verbs in the order they are tried at one position; the earliest verb in the sentence wins. */
const VERBS: Verb[] = [
  {
    re: /\b(?:untag|un-tag|unflag|un-flag|unmark|un-mark|unlabel)\b/g,
    resolve: (_w, at) => ({ ok: true, action: 'untag', verbAt: at, verbEnd: at }),
  },
  {
    re: /\b(?:remove|clear|delete|drop|strip|disable|turn\s+off|switch\s+off|take\s+(?:off|away)|cancel|deactivate|unsubscribe|get\s+rid\s+of)\b/g,
    resolve: (w, at) => {
      const end = at + (/^[a-z]+(?:\s+(?:off|away|of))?/.exec(w.slice(at))?.[0].length ?? 0)
      if (TAG_AFTER(w, end) || /^\s+(?:\S+\s+){0,3}?(?:tags?|flags?|labels?)\s+(?:from|off)\b/.test(w.slice(end)))
        return { ok: true, action: 'untag', verbAt: at, verbEnd: end }
      if (ADDON_MENTION.test(w)) return { ok: true, action: 'remove_addon', verbAt: at, verbEnd: end }
      return unknownAddon(w, at)
    },
  },
  {
    re: /\b(?:tag|flag|mark|label)\b(?!\s*(?:=|!=))/g,
    resolve: (w, at) => {
      // "with the vip tag", "the follow-up tag" are nouns (conditions), not the verb
      const before = w.slice(Math.max(0, at - 12), at)
      if (/\b(?:the|a|an|with|without)\s+(?:[\w-]+\s+)?$/.test(before)) return null
      return { ok: true, action: 'tag', verbAt: at, verbEnd: at + (/^[a-z]+/.exec(w.slice(at))?.[0].length ?? 0) }
    },
  },
  {
    re: /\b(?:add|give|put|apply|grant|issue|award|attach|enable|turn\s+on|switch\s+on|activate|include|load|send|top[\s-]?up)\b/g,
    resolve: (w, at) => {
      const verb = /^[a-z]+(?:[\s-]+(?:on|up))?/.exec(w.slice(at))?.[0] ?? ''
      const end = at + verb.length
      if (/^(?:add|put|apply|give|attach)/.test(verb) && TAG_AFTER(w, end)) return { ok: true, action: 'tag', verbAt: at, verbEnd: end }
      if (verb.startsWith('put') && /^\s+(?:\S+\s+){0,4}?on\s+hold\b/.test(w.slice(end))) return { ok: true, action: 'suspend', verbAt: at, verbEnd: end }
      if (/^top/.test(verb)) return { ok: true, action: 'add_addon', verbAt: at, verbEnd: end }
      const money = MONEY_MENTION.test(w)
      const addon = ADDON_MENTION.test(w)
      if (money && (CREDIT_WORD.test(w) || !addon)) return { ok: true, action: 'credit_wallet', verbAt: at, verbEnd: end }
      if (addon) return { ok: true, action: 'add_addon', verbAt: at, verbEnd: end }
      // "add 1GB of data to 512-555-0123": the top-ups are the only way to add data
      if (/^(?:add|give|load)/.test(verb) && /(?<!\b(?:than|under|over|least|most|above|below|mobile|on|to|fi|with)\s+)\b\d+(?:\.\d+)?\s*(?:gb|gigs?|gigabytes?)\b(?!\s+(?:remaining|left|used|plan|of\s+data\s+(?:remaining|left|used)))/.test(w.slice(end)))
        return { ok: true, action: 'add_addon', verbAt: at, verbEnd: end }
      if (verb === 'send') return notify(w, at, end)
      if (verb.startsWith('put') && PLAN_MENTION.test(w)) return { ok: true, action: 'change_plan', verbAt: at, verbEnd: end }
      if (CREDIT_WORD.test(w)) return { ok: true, action: 'credit_wallet', verbAt: at, verbEnd: end }
      return unknownAddon(w, at)
    },
  },
  {
    re: /\b(?:credit|comp|compensate)\b/g,
    resolve: (w, at) => {
      // "wallet credit under $1" is a condition, not the verb
      if (/\bwallet\s+$|\b(?:with|without|having|has|have)\s+(?:\S+\s+){0,2}$/.test(w.slice(Math.max(0, at - 30), at))) return null
      return { ok: true, action: 'credit_wallet', verbAt: at, verbEnd: at + 6 }
    },
  },
  {
    re: /\b(?:suspend|pause|hold)\b/g,
    resolve: (_w, at) => ({ ok: true, action: 'suspend', verbAt: at, verbEnd: at }),
  },
  {
    re: /\b(?:resume|unsuspend|un-suspend|restore|reinstate|reactivate|re-activate|unpause|un-pause|lift\s+(?:the\s+)?suspensions?)\b/g,
    resolve: (_w, at) => ({ ok: true, action: 'resume', verbAt: at, verbEnd: at }),
  },
  {
    re: /\b(?:change|switch|move|migrate|upgrade|downgrade|transfer|bump|shift|convert|set|moving|swap)\b/g,
    resolve: (w, at) => {
      const verb = /^[a-z]+/.exec(w.slice(at))?.[0] ?? ''
      if (/^(?:change|switch|set|swap|transfer|convert)$/.test(verb) && !PLAN_MENTION.test(w) && !/\bto\s+(?:the\s+)?\d/.test(w)) return null
      return { ok: true, action: 'change_plan', verbAt: at, verbEnd: at + verb.length }
    },
  },
  {
    re: /\b(?:text|txt|sms|e-?mail|notify|message|alert|remind|tell|warn|ping|inform|contact)\b/g,
    resolve: (w, at) => notify(w, at, at),
  },
]

const SECOND_ACTION =
  /\b(?:and|then|also|plus)\s+(?:then\s+|also\s+)?(suspend|resume|unsuspend|restore|credit|move|migrate|upgrade|downgrade|change|tag|untag|flag|text|email|e-mail|notify|sms|add|remove|give|send|drop)\b/

/** the first match that is a word of its own: "port-risk" or "do-not-charge" are tags, not requests */
function firstWordMatch(re: RegExp, w: string): RegExpExecArray | null {
  const g = new RegExp(re.source, re.flags.includes('g') ? re.flags : `${re.flags}g`)
  for (let m = g.exec(w); m; m = g.exec(w)) {
    const s = m.index
    const e = s + m[0].length
    if ((w[s - 1] === '-' && /[a-z0-9]/.test(w[s - 2] ?? '')) || (w[e] === '-' && /[a-z0-9]/.test(w[e + 1] ?? ''))) {
      if (m[0].length === 0) g.lastIndex++
      continue
    }
    return m
  }
  return null
}

/** Finds the one action a sentence asks for (lower-case text, with any quoted or after-colon message removed). */
export function detectIntent(w: string): Intent {
  let best: Intent | null = null
  let bestAt = Infinity
  for (const v of VERBS) {
    v.re.lastIndex = 0
    for (let m = v.re.exec(w); m; m = v.re.exec(w)) {
      if (m.index >= bestAt) break
      const r = v.resolve(w, m.index)
      if (r) {
        best = r
        bestAt = m.index
        break
      }
    }
  }
  for (const r of REFUSALS) {
    const m = firstWordMatch(r.re, w)
    if (!m) continue
    if (r.unless && r.unless.test(w) && best) continue
    // a refusal wins when it is the sentence's verb: there is no supported one, it comes first, or it opens a second
    // clause ("suspend them and then delete the accounts")
    const secondClause = /(?:\band|\bthen|\balso|,)\s+(?:then\s+)?$/.test(w.slice(0, m.index))
    if (!best || m.index < bestAt || (best.ok && (m.index === bestAt || secondClause || r.anywhere))) return refuse(r.error, r.suggestion)
  }
  if (!best) return refuse('no supported action in this sentence', `${SUPPORTED}. For example: "suspend lines owing over $100"`, false)
  if (best.ok) {
    const second = SECOND_ACTION.exec(w.slice(bestAt + 1))
    if (second) {
      const again = detectIntent(w.slice(bestAt + 1 + second.index + second[0].length - second[1].length))
      if (again.ok && again.action !== best.action)
        return refuse('one action per command', `split it into two commands: "${best.action.replace('_', ' ')} …" and "${second[1]} …"`)
    }
  }
  return best
}
