// The operator command of docs/COMMAND-DSL.md as zod schemas: the ONE definition that the local parser, the LLM
// tool schema, the canonical text form, preview and commit all validate against. Names here are the contract's and
// must not change; extend by adding.
import { z } from 'zod'
import { ADDONS, PLANS } from '../domain/catalog'
import { ACCOUNT_TYPES, LINE_STATUSES } from '../domain/line'
import { US_STATE_CODES, US_STATES } from './us-states'

export const PLAN_CODES = PLANS.map((p) => p.code) as [string, ...string[]]
export const ADDON_CODES = ADDONS.map((a) => a.code) as [string, ...string[]]

export const ACTIONS = [
  'change_plan',
  'add_addon',
  'remove_addon',
  'credit_wallet',
  'suspend',
  'resume',
  'send_notification',
  'tag',
  'untag',
] as const
export type Action = (typeof ACTIONS)[number]

export const OPS = ['=', '!=', '<', '<=', '>', '>=', 'in', 'not in'] as const
export type Op = (typeof OPS)[number]
export const SET_OPS: readonly Op[] = ['in', 'not in']

export const CHANNELS = ['sms', 'email'] as const
export type Channel = (typeof CHANNELS)[number]

// ---------------------------------------------------------------------------------------------------------------------
// Value types

const E164 = /^\+1[2-9]\d{2}[2-9]\d{6}$/
export const msisdnSchema = z
  .string()
  .regex(E164, 'an E.164 US number like +15125550123')
  .describe('E.164 US number, e.g. +15125550123 (a 10-digit number gets +1)')
export const accountIdSchema = z.string().regex(/^ACC-\d{1,12}$/, 'an account id like ACC-000123').describe('account id, e.g. ACC-000123')
/** lower-case, no spaces: `follow-up` */
export const tagSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'a lower-case tag without spaces, like follow-up')
  .describe('lower-case tag without spaces, e.g. follow-up')
export const planCodeSchema = z.enum(PLAN_CODES).describe('plan code from the catalog')
export const addonCodeSchema = z.enum(ADDON_CODES).describe('add-on code from the catalog')
export const stateSchema = z.enum(US_STATE_CODES as [string, ...string[]]).describe('two-letter US state code, e.g. TX')
export const zipSchema = z.string().regex(/^\d{5}$/, 'five digits').describe('five-digit ZIP code')
export const dateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD')
  .refine(isRealDate, 'a real calendar date YYYY-MM-DD')
  .describe('date YYYY-MM-DD')
/** free text shown to people (reasons, messages): must say something, one paragraph at most */
// (anchored, so that grammar-constrained local servers such as llama.cpp can turn the pattern into a grammar)
const textSchema = (max: number) => z.string().max(max).regex(/^[\s\S]*\S[\s\S]*$/, 'non-empty text')

export function isRealDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false
  const d = new Date(`${s}T00:00:00Z`)
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s
}

// ---------------------------------------------------------------------------------------------------------------------
// Cohort fields

export type FieldType =
  | 'plan'
  | 'status'
  | 'int'
  | 'number'
  | 'date'
  | 'state'
  | 'zip'
  | 'account_type'
  | 'account'
  | 'tag'
  | 'addon'

export interface FieldDef {
  name: string
  type: FieldType
  /** operators this field accepts */
  ops: readonly Op[]
  /** the closed set of values, for enum-like fields */
  values?: readonly string[]
  /** true when the value is a number (JSON number, bare in canonical text) */
  numeric: boolean
  meaning: string
}

const EQ_SET: readonly Op[] = ['=', '!=', 'in', 'not in']
const HAS: readonly Op[] = ['=', '!=']
const CMP: readonly Op[] = ['=', '!=', '<', '<=', '>', '>=']

/** The cohort field table of the contract, in its order. */
export const FIELDS = [
  { name: 'plan', type: 'plan', ops: EQ_SET, values: PLAN_CODES, numeric: false, meaning: "the line's current plan" },
  { name: 'status', type: 'status', ops: EQ_SET, values: LINE_STATUSES, numeric: false, meaning: 'line status' },
  { name: 'data_used_mb', type: 'number', ops: CMP, numeric: true, meaning: 'MB used in the current billing cycle' },
  {
    name: 'data_remaining_mb',
    type: 'number',
    ops: CMP,
    numeric: true,
    meaning: 'plan bucket plus cycle top-ups minus used, in MB; unlimited plans never match a numeric test',
  },
  { name: 'failed_payments', type: 'int', ops: CMP, numeric: true, meaning: "consecutive failed payments on the line's account" },
  { name: 'past_due_cents', type: 'int', ops: CMP, numeric: true, meaning: 'amount past due on the account, in cents' },
  { name: 'days_past_due', type: 'int', ops: CMP, numeric: true, meaning: 'days since the oldest unpaid invoice fell due' },
  { name: 'wallet_cents', type: 'int', ops: CMP, numeric: true, meaning: "the account's wallet credit, in cents" },
  { name: 'tenure_days', type: 'int', ops: CMP, numeric: true, meaning: 'days since the line was activated' },
  { name: 'activated_at', type: 'date', ops: CMP, numeric: false, meaning: 'activation date YYYY-MM-DD' },
  { name: 'state', type: 'state', ops: EQ_SET, values: US_STATE_CODES, numeric: false, meaning: "two-letter US state of the account's billing address" },
  { name: 'zip', type: 'zip', ops: EQ_SET, numeric: false, meaning: "the account's five-digit billing ZIP" },
  { name: 'account_type', type: 'account_type', ops: EQ_SET, values: ACCOUNT_TYPES, numeric: false, meaning: 'consumer or business' },
  { name: 'account', type: 'account', ops: EQ_SET, numeric: false, meaning: 'account id' },
  { name: 'tag', type: 'tag', ops: HAS, numeric: false, meaning: '= has the tag, != lacks it' },
  { name: 'addon', type: 'addon', ops: HAS, values: ADDON_CODES, numeric: false, meaning: '= has the add-on, != lacks it' },
] as const satisfies readonly FieldDef[]

export type CohortField = (typeof FIELDS)[number]['name']
export const FIELD_NAMES = FIELDS.map((f) => f.name) as CohortField[]
export const FIELD_BY_NAME: ReadonlyMap<string, FieldDef> = new Map(FIELDS.map((f) => [f.name, f as FieldDef]))

function valueSchemaOf(f: FieldDef): z.ZodType<string | number> {
  switch (f.type) {
    case 'plan':
      return planCodeSchema
    case 'addon':
      return addonCodeSchema
    case 'status':
      return z.enum(LINE_STATUSES)
    case 'account_type':
      return z.enum(ACCOUNT_TYPES)
    case 'state':
      return stateSchema
    case 'zip':
      return zipSchema
    case 'account':
      return accountIdSchema
    case 'tag':
      return tagSchema
    case 'date':
      return dateSchema
    case 'int':
      return z.number().int().min(0).max(1e12)
    case 'number':
      // data_remaining_mb may go below zero on an overage; used never does
      return f.name === 'data_used_mb' ? z.number().min(0).max(1e12) : z.number().min(-1e12).max(1e12)
  }
}

/** One condition schema per field: a scalar comparison, or (for fields that allow it) `in` / `not in` with an array. */
function conditionSchemaOf(f: FieldDef) {
  const v = valueSchemaOf(f)
  const scalarOps = f.ops.filter((o) => !SET_OPS.includes(o)) as [Op, ...Op[]]
  const setOps = f.ops.filter((o) => SET_OPS.includes(o)) as Op[]
  const scalar = z.strictObject({ field: z.literal(f.name), op: z.enum(scalarOps), value: v })
  if (setOps.length === 0) return scalar.describe(`${f.name}: ${f.meaning}`)
  const set = z.strictObject({
    field: z.literal(f.name),
    op: z.enum(setOps as [Op, ...Op[]]),
    value: z.array(v).min(1).max(1000),
  })
  return z.discriminatedUnion('op', [scalar, set]).describe(`${f.name}: ${f.meaning}`)
}

type ScalarOf<F extends (typeof FIELDS)[number]> = F extends { numeric: true } ? number : string
type ConditionOf<F extends (typeof FIELDS)[number]> = F extends unknown
  ?
      | { field: F['name']; op: Exclude<F['ops'][number], 'in' | 'not in'>; value: ScalarOf<F> }
      | (Extract<F['ops'][number], 'in'> extends never ? never : { field: F['name']; op: 'in' | 'not in'; value: ScalarOf<F>[] })
  : never

/** `{ field, op, value }`; narrowing on `field` gives the value type. */
export type Condition = ConditionOf<(typeof FIELDS)[number]>

export const conditionSchema = z
  .discriminatedUnion(
    'field',
    FIELDS.map((f) => conditionSchemaOf(f)) as unknown as [z.ZodObject, ...z.ZodObject[]],
  )
  .describe('a condition on one cohort field') as unknown as z.ZodType<Condition>

// ---------------------------------------------------------------------------------------------------------------------
// Scopes

export const lineScopeSchema = z.strictObject({ kind: z.literal('line'), msisdn: msisdnSchema }).describe('one line')
export const accountScopeSchema = z
  .strictObject({ kind: z.literal('account'), account: accountIdSchema })
  .describe('every line of one account')
export const listScopeSchema = z
  .strictObject({
    kind: z.literal('list'),
    source: z.string().min(1).max(255).describe('the uploaded file name'),
    msisdns: z.array(msisdnSchema).min(1).max(1_000_000),
  })
  .describe('the lines of an uploaded CSV of MSISDNs')
export const cohortScopeSchema = z
  .strictObject({
    kind: z.literal('cohort'),
    where: z.array(conditionSchema).max(32).describe('all conditions must hold (AND); empty = every line'),
  })
  .describe('every line matching all conditions')

export const scopeSchema = z.discriminatedUnion('kind', [
  lineScopeSchema,
  accountScopeSchema,
  listScopeSchema,
  cohortScopeSchema,
])
export type LineScope = z.infer<typeof lineScopeSchema>
export type AccountScope = z.infer<typeof accountScopeSchema>
export type ListScope = z.infer<typeof listScopeSchema>
export type CohortScope = { kind: 'cohort'; where: Condition[] }
export type Scope = LineScope | AccountScope | ListScope | CohortScope
export type ScopeKind = Scope['kind']

// ---------------------------------------------------------------------------------------------------------------------
// Actions and their params (in the contract's order; canonical text prints params in this order)

export const REASON_MAX = 200
export const MESSAGE_MAX = 1000
/** credits above this are refused as a typo guard ($10,000) */
export const MAX_CREDIT_CENTS = 1_000_000

export const paramsSchemas = {
  change_plan: z.strictObject({ plan: planCodeSchema }),
  add_addon: z.strictObject({ addon: addonCodeSchema }),
  remove_addon: z.strictObject({ addon: addonCodeSchema }),
  credit_wallet: z.strictObject({
    amount_cents: z.number().int().min(1).max(MAX_CREDIT_CENTS).describe('integer cents > 0 ($5 = 500)'),
    reason: textSchema(REASON_MAX).optional(),
  }),
  suspend: z.strictObject({ reason: textSchema(REASON_MAX).optional() }),
  resume: z.strictObject({}),
  send_notification: z.strictObject({ channel: z.enum(CHANNELS), message: textSchema(MESSAGE_MAX) }),
  tag: z.strictObject({ tag: tagSchema }),
  untag: z.strictObject({ tag: tagSchema }),
} as const satisfies Record<Action, z.ZodObject>

/** Param names per action, in canonical order. */
export const PARAM_ORDER: Readonly<Record<Action, readonly string[]>> = {
  change_plan: ['plan'],
  add_addon: ['addon'],
  remove_addon: ['addon'],
  credit_wallet: ['amount_cents', 'reason'],
  suspend: ['reason'],
  resume: [],
  send_notification: ['channel', 'message'],
  tag: ['tag'],
  untag: ['tag'],
}
/** Params whose value is free text (always quoted in canonical text). */
export const TEXT_PARAMS: ReadonlySet<string> = new Set(['reason', 'message'])
/** Params whose value is a number. */
export const NUMBER_PARAMS: ReadonlySet<string> = new Set(['amount_cents'])

const ACTION_SUMMARY: Record<Action, string> = {
  change_plan: 'change the plan (carrier rules: at most 4 plan changes per line per month, none while suspended)',
  add_addon: 'add an add-on',
  remove_addon: 'remove an add-on',
  credit_wallet: "credit the line's account wallet",
  suspend: 'suspend the line',
  resume: 'resume (restore) a suspended line',
  send_notification: 'send an SMS or email to the subscriber',
  tag: 'put a tag on the line',
  untag: 'take a tag off the line',
}

function commandSchemaOf<A extends Action>(action: A) {
  return z
    .strictObject({ action: z.literal(action), params: paramsSchemas[action], scope: scopeSchema })
    .describe(ACTION_SUMMARY[action])
}

export const commandSchema = z.discriminatedUnion('action', [
  commandSchemaOf('change_plan'),
  commandSchemaOf('add_addon'),
  commandSchemaOf('remove_addon'),
  commandSchemaOf('credit_wallet'),
  commandSchemaOf('suspend'),
  commandSchemaOf('resume'),
  commandSchemaOf('send_notification'),
  commandSchemaOf('tag'),
  commandSchemaOf('untag'),
])

type ParamsOf<A extends Action> = z.infer<(typeof paramsSchemas)[A]>
/** A validated command: action + its params + scope. */
export type Command = { [A in Action]: { action: A; params: ParamsOf<A>; scope: Scope } }[Action]
export type CommandOf<A extends Action> = Extract<Command, { action: A }>

// ---------------------------------------------------------------------------------------------------------------------
// Validation with operator-facing errors

export type ValidateResult = { ok: true; command: Command } | { ok: false; error: string; suggestion: string }

/** Validates anything (LLM output, edited canonical text, API input) against the contract. */
export function validateCommand(json: unknown): ValidateResult {
  const r = commandSchema.safeParse(json)
  if (r.success) return { ok: true, command: r.data as Command }
  return { ok: false, ...explainIssues(json, r.error) }
}

const PLAN_LIST = PLANS.map((p) => `${p.code} (${p.name})`).join(', ')
const ADDON_LIST = ADDONS.map((a) => `${a.code} (${a.name})`).join(', ')

function at(obj: unknown, path: readonly PropertyKey[]): unknown {
  let cur = obj
  for (const k of path) {
    if (cur === null || typeof cur !== 'object') return undefined
    cur = (cur as Record<PropertyKey, unknown>)[k]
  }
  return cur
}

/** Turns the first zod issue into a sentence an operator can act on. */
function explainIssues(input: unknown, error: z.ZodError): { error: string; suggestion: string } {
  if (input === null || typeof input !== 'object' || Array.isArray(input))
    return { error: 'a command must be an object with action, params and scope', suggestion: 'e.g. resume account ACC-000123' }
  const cmd = input as Record<string, unknown>
  if (typeof cmd.action !== 'string' || !(ACTIONS as readonly string[]).includes(cmd.action))
    return {
      error: `unsupported action ${JSON.stringify(cmd.action ?? null)}`,
      suggestion: `supported actions: ${ACTIONS.join(', ')}`,
    }
  const issue = deepestIssue(error.issues)
  const path = issue.path
  const where = path.join('.')
  const value = at(input, path)
  const shown = value === undefined ? 'missing' : JSON.stringify(value)
  const action = cmd.action as Action
  if (path[0] === 'params') {
    const name = String(path[1] ?? '')
    if (issue.code === 'unrecognized_keys')
      return {
        error: `${action} does not take ${issue.keys.join(', ')}`,
        suggestion: `${action} takes ${PARAM_ORDER[action].join(', ') || 'no params'}`,
      }
    if (name === 'plan')
      return { error: value === undefined ? 'which plan?' : `unknown plan ${shown}`, suggestion: `plans: ${PLAN_LIST}` }
    if (name === 'addon')
      return { error: value === undefined ? 'which add-on?' : `unknown add-on ${shown}`, suggestion: `add-ons: ${ADDON_LIST}` }
    if (name === 'amount_cents')
      return {
        error: value === undefined ? 'missing amount' : `amount_cents must be a whole number of cents from 1 to ${MAX_CREDIT_CENTS}, got ${shown}`,
        suggestion: 'e.g. credit_wallet amount_cents=500 (that is $5.00)',
      }
    if (name === 'channel') return { error: `unknown channel ${shown}`, suggestion: 'channel is sms or email' }
    if (name === 'message')
      return { error: value === undefined ? 'missing message' : `bad message: ${issue.message}`, suggestion: `a non-empty text up to ${MESSAGE_MAX} characters` }
    if (name === 'reason') return { error: `bad reason: ${issue.message}`, suggestion: `a short text up to ${REASON_MAX} characters, or none` }
    if (name === 'tag')
      return { error: value === undefined ? 'which tag?' : `bad tag ${shown}`, suggestion: 'tags are lower-case without spaces, e.g. follow-up' }
  }
  if (path[0] === 'scope') {
    const scope = cmd.scope as Record<string, unknown> | undefined
    if (!scope || typeof scope !== 'object' || !['line', 'account', 'list', 'cohort'].includes(String(scope.kind)))
      return { error: 'missing or unknown scope', suggestion: 'scope is a line, an account, a list or a cohort (where …)' }
    if (path[1] === 'msisdn' || path[1] === 'msisdns')
      return { error: `bad phone number ${shown}`, suggestion: 'a 10-digit US number, e.g. +15125550123' }
    if (path[1] === 'account') return { error: `bad account id ${shown}`, suggestion: 'e.g. ACC-000123' }
    if (path[1] === 'where' && typeof path[2] === 'number') {
      const cond = at(input, path.slice(0, 3)) as Record<string, unknown> | undefined
      const field = cond && typeof cond === 'object' ? String(cond.field) : ''
      const def = FIELD_BY_NAME.get(field)
      if (!def) return { error: `unknown field ${JSON.stringify(cond?.field ?? null)}`, suggestion: `fields: ${FIELD_NAMES.join(', ')}` }
      const op = String(cond?.op)
      if (!(def.ops as readonly string[]).includes(op))
        return { error: `${field} does not take the operator ${JSON.stringify(cond?.op ?? null)}`, suggestion: `${field} takes ${def.ops.join(' ')}` }
      return { error: `bad value for ${field}: ${JSON.stringify(cond?.value ?? null)}`, suggestion: fieldHint(def, op) }
    }
    return { error: `bad ${where}: ${issue.message}`, suggestion: 'see the scopes in the command contract' }
  }
  return { error: `bad ${where || 'command'}: ${issue.message}`, suggestion: 'a command is { action, params, scope }' }
}

function fieldHint(def: FieldDef, op: string): string {
  const many = op === 'in' || op === 'not in' ? ' (a list)' : ''
  switch (def.type) {
    case 'plan':
      return `plan codes${many}: ${PLAN_LIST}`
    case 'addon':
      return `add-on codes: ${ADDON_LIST}`
    case 'state':
      return `two-letter state codes${many}, e.g. TX (${US_STATES.TX})`
    case 'zip':
      return `five-digit ZIP codes${many}, e.g. 78701`
    case 'date':
      return 'a date YYYY-MM-DD'
    case 'int':
      return 'a whole number ≥ 0'
    case 'number':
      return 'a number of MB (1 GB = 1024 MB)'
    case 'account':
      return `account ids${many}, e.g. ACC-000123`
    case 'tag':
      return 'a lower-case tag without spaces'
    default:
      return `one of${many}: ${(def.values ?? []).join(', ')}`
  }
}

/** Unions report "invalid_union" at the top; the most specific branch error is the useful one. */
function deepestIssue(issues: readonly z.core.$ZodIssue[]): z.core.$ZodIssue {
  let best = issues[0]
  let bestDepth = -1
  const visit = (list: readonly z.core.$ZodIssue[], prefix: readonly PropertyKey[]) => {
    for (const i of list) {
      const full = [...prefix, ...i.path]
      if (i.code === 'invalid_union' && i.errors.length > 0) {
        for (const branch of i.errors) visit(branch, full)
        continue
      }
      if (full.length > bestDepth) {
        best = { ...i, path: full } as z.core.$ZodIssue
        bestDepth = full.length
      }
    }
  }
  visit(issues, [])
  return best
}

// ---------------------------------------------------------------------------------------------------------------------
// Function-calling schemas for the LLM tier, derived from the same zod schemas

/**
 * Arguments of the `emit_command` tool: `{ command }` (tool parameters must be an object at the top). Built from the
 * same param, scope and condition schemas as `commandSchema`, flattened (action enum + params union) so that the scope
 * appears once in the JSON schema instead of once per action; the model's answer is then checked by validateCommand,
 * which also ties params to the action.
 */
export const emitCommandArgsSchema = z.strictObject({
  command: z.strictObject({
    action: z.enum(ACTIONS).describe(ACTIONS.map((a) => `${a}: ${ACTION_SUMMARY[a]}`).join('; ')),
    params: z
      .union(ACTIONS.map((a) => paramsSchemas[a].describe(`params of ${a}`)) as unknown as [z.ZodObject, ...z.ZodObject[]])
      .describe('the params of the chosen action'),
    scope: scopeSchema,
  }),
})
/** Arguments of the `cannot_parse` tool: the model refuses instead of guessing. */
export const cannotParseArgsSchema = z.strictObject({
  error: z.string().min(1).describe('what could not be resolved, e.g. "which plan?" or "unsupported action: delete"'),
  suggestion: z.string().describe('how the operator could rephrase, or the closest supported command'),
})

/** JSON schema of a tool's parameters (without `$schema`, which some OpenAI-compatible servers reject). */
function toolSchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { target: 'draft-7', unrepresentable: 'any' }) as Record<string, unknown>
  return rest
}
export function commandToolJsonSchema(): Record<string, unknown> {
  return toolSchema(emitCommandArgsSchema)
}
export function cannotParseToolJsonSchema(): Record<string, unknown> {
  return toolSchema(cannotParseArgsSchema)
}
