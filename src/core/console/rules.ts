// Why a matched line cannot take a command (the preview's "blocked" breakdown), and what the command does to the
// money, both as SQL expressions over one `lines` row so that a preview of a million lines is one aggregate query.
//
// Each matched line gets exactly one reason: the first rule that holds, in the order listed. Reason codes are stable
// (the UI, the CLI and the tests switch on them); labels are for people.
import type { Command } from '../../shared/command/schema'
import { MAX_PLAN_CHANGES_PER_MONTH, MAX_PROVISIONING_ACTIONS_PER_DAY, PROVISIONING_EVENT_KINDS } from '../../shared/domain/catalog'
import type { ConsoleCatalog } from './catalog'
import type { SqlFragment } from './cohort-sql'

export interface RuleDef {
  code: string
  label: string
  /** true for the lines this rule blocks */
  test: SqlFragment
  /**
   * Set for a rule that depends on more than a line's own columns (its outbox ops, its events today): the ids of the
   * lines it may block, as a SELECT of one column. A grouped preview leaves such rules out and corrects those lines
   * one by one (they are few).
   */
  lines?: SqlFragment
}

// A substring test first (no allocation), the exact comma-delimited test only on lines that contain the text at all.
const has = (col: string, v: string): SqlFragment => ({ sql: `(instr(${col}, ?) > 0 AND instr(',' || ${col} || ',', ?) > 0)`, params: [v, `,${v},`] })
const lacks = (col: string, v: string): SqlFragment => ({ sql: `(instr(${col}, ?) = 0 OR instr(',' || ${col} || ',', ?) = 0)`, params: [v, `,${v},`] })
const always: SqlFragment = { sql: '1', params: [] }

export const REASON_LABELS: Record<string, string> = {
  unknown_plan: 'unknown plan',
  unknown_addon: 'unknown add-on',
  disconnected: 'line is disconnected',
  pending_op: 'line has an operation not yet synced (a second one would conflict)',
  already_on_plan: 'already on that plan',
  suspended_plan_change: 'no plan changes while suspended (carrier rule)',
  plan_change_limit: `carrier allows at most ${MAX_PLAN_CHANGES_PER_MONTH} plan changes per month`,
  provisioning_limit: `carrier allows at most ${MAX_PROVISIONING_ACTIONS_PER_DAY} provisioning actions per line per day`,
  already_suspended: 'already suspended',
  not_activated: 'line is not activated yet (pending)',
  not_suspended: 'not suspended',
  has_addon: 'already has the add-on',
  lacks_addon: 'does not have the add-on',
  topup_not_removable: 'top-ups are one-time and cannot be removed',
  has_tag: 'already has the tag',
  lacks_tag: 'does not have the tag',
}

function rule(code: string, test: SqlFragment, label = REASON_LABELS[code]): RuleDef {
  return { code, label, test }
}

/** A rule over a set of line ids (see RuleDef.lines). */
function setRule(code: string, lines: SqlFragment): RuleDef {
  return { code, label: REASON_LABELS[code], test: { sql: `id IN (${lines.sql})`, params: lines.params }, lines }
}

function nextDay(day: string): string {
  const d = new Date(`${day}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() + 1)
  return d.toISOString().slice(0, 10)
}

/**
 * The lines that have used up the carrier's provisioning actions on @day (YYYY-MM-DD): as many provisioning events
 * that day as the limit allows. Reads line_events_kind_at (kind, at, line_id): one day of a few event kinds.
 */
export function provisioningLimitedLines(day: string): SqlFragment {
  return {
    sql: `SELECT line_id FROM line_events WHERE kind IN (${PROVISIONING_EVENT_KINDS.map(() => '?').join(', ')}) AND at >= ? AND at < ?
      GROUP BY line_id HAVING count(*) >= ${MAX_PROVISIONING_ACTIONS_PER_DAY}`,
    params: [...PROVISIONING_EVENT_KINDS, day, nextDay(day)],
  }
}

export interface RuleOptions {
  /** add the rule that refuses a line which already has an op in the outbox */
  withPendingOps: boolean
  /** the clock's day (YYYY-MM-DD) when some line has used up its provisioning actions that day; else null */
  provisioningDay?: string | null
}

/**
 * The blocking rules of a command, in priority order. `withPendingOps` adds the rule that refuses a line which already
 * has an op in the outbox: the server checks base_version, so a second op on the same line would come back `conflict`.
 */
export function rulesFor(cmd: Command, catalog: ConsoleCatalog, opts: RuleOptions | boolean): RuleDef[] {
  const o: RuleOptions = typeof opts === 'boolean' ? { withPendingOps: opts } : opts
  const rules: RuleDef[] = []
  const pending = o.withPendingOps ? [setRule('pending_op', { sql: "SELECT line_id FROM operations WHERE status = 'pending'", params: [] })] : []
  // the server refuses a suspend or resume past the carrier's daily limit, after its status checks
  const provisioning = o.provisioningDay ? [setRule('provisioning_limit', provisioningLimitedLines(o.provisioningDay))] : []
  const disconnected = rule('disconnected', { sql: "status = 'disconnected'", params: [] })
  switch (cmd.action) {
    case 'change_plan': {
      const plan = cmd.params.plan
      if (!catalog.plans.has(plan)) rules.push(rule('unknown_plan', always, `unknown plan ${plan}`))
      rules.push(disconnected, ...pending)
      rules.push(rule('already_on_plan', { sql: 'plan_code = ?', params: [plan] }, `already on ${plan}`))
      rules.push(rule('suspended_plan_change', { sql: "status = 'suspended'", params: [] }))
      rules.push(rule('plan_change_limit', { sql: 'plan_changes_month >= ?', params: [MAX_PLAN_CHANGES_PER_MONTH] }))
      break
    }
    case 'add_addon':
    case 'remove_addon': {
      const code = cmd.params.addon
      const addon = catalog.addons.get(code)
      if (!addon) rules.push(rule('unknown_addon', always, `unknown add-on ${code}`))
      rules.push(disconnected, ...pending)
      if (cmd.action === 'add_addon') {
        // a top-up can be bought again; a recurring add-on only once
        if (!addon || addon.recurring) rules.push(rule('has_addon', has('addons', code), `already has ${code}`))
      } else {
        if (addon && !addon.recurring) rules.push(rule('topup_not_removable', always))
        rules.push(rule('lacks_addon', lacks('addons', code), `does not have ${code}`))
      }
      break
    }
    case 'suspend':
      rules.push(disconnected, ...pending)
      rules.push(rule('already_suspended', { sql: "status = 'suspended'", params: [] }))
      rules.push(rule('not_activated', { sql: "status = 'pending'", params: [] }))
      rules.push(...provisioning)
      break
    case 'resume':
      rules.push(disconnected, ...pending)
      rules.push(rule('not_suspended', { sql: "status != 'suspended'", params: [] }))
      rules.push(...provisioning)
      break
    case 'send_notification':
      rules.push(disconnected, ...pending)
      break
    case 'credit_wallet':
      rules.push(...pending)
      break
    case 'tag':
      rules.push(...pending)
      rules.push(rule('has_tag', has('tags', cmd.params.tag), `already tagged ${cmd.params.tag}`))
      break
    case 'untag':
      rules.push(...pending)
      rules.push(rule('lacks_tag', lacks('tags', cmd.params.tag), `not tagged ${cmd.params.tag}`))
      break
  }
  return rules
}

/** CASE over the rules: 0 = can take the command, k = blocked by rules[k-1]. */
export function reasonExpr(rules: RuleDef[]): SqlFragment {
  if (rules.length === 0) return { sql: '0', params: [] }
  return {
    sql: `CASE ${rules.map((r, i) => `WHEN ${r.test.sql} THEN ${i + 1}`).join(' ')} ELSE 0 END`,
    params: rules.flatMap((r) => r.test.params),
  }
}

export interface MoneyExprs {
  /** the line's change of monthly recurring revenue, cents */
  mrr: SqlFragment
  /** true when mrr is 0 for every line (no proration to compute) */
  mrrZero: boolean
  /** the MRR delta when it is the same for every line (else 0: summed per line) */
  mrrConstant: number
  /** one-time charge per affected line */
  oneTimeCents: number
  /** wallet credit per affected line */
  creditCents: number
}

/** What one line contributes to the money of a command (the preview sums it over the affected lines). */
export function moneyFor(cmd: Command, catalog: ConsoleCatalog): MoneyExprs {
  const zero = { mrr: { sql: '0', params: [] }, mrrZero: true, mrrConstant: 0, oneTimeCents: 0, creditCents: 0 }
  switch (cmd.action) {
    case 'change_plan': {
      const target = catalog.plans.get(cmd.params.plan)
      if (!target) return zero
      const plans = [...catalog.plans.values()]
      return {
        // an unknown current plan has no price: NULL, left out of the sums
        // prices inline as integer literals: a bound JS number arrives as REAL and would make the proration a float
        mrr: {
          sql: `(${Math.trunc(target.monthlyCents)} - CASE plan_code ${plans.map((p) => `WHEN ? THEN ${Math.trunc(p.monthlyCents)}`).join(' ')} END)`,
          params: plans.map((p) => p.code),
        },
        mrrZero: false,
        mrrConstant: 0,
        oneTimeCents: 0,
        creditCents: 0,
      }
    }
    case 'add_addon':
    case 'remove_addon': {
      const a = catalog.addons.get(cmd.params.addon)
      if (!a) return zero
      if (!a.recurring) return { ...zero, oneTimeCents: cmd.action === 'add_addon' ? a.priceCents : 0 }
      const delta = cmd.action === 'add_addon' ? a.priceCents : -a.priceCents
      return { mrr: { sql: String(Math.trunc(delta)), params: [] }, mrrZero: false, mrrConstant: Math.trunc(delta), oneTimeCents: 0, creditCents: 0 }
    }
    case 'credit_wallet':
      return { ...zero, creditCents: cmd.params.amount_cents }
    default:
      // suspend/resume keep the line's plan and add-ons: the demo billing model bills a suspended line as before
      return zero
  }
}
