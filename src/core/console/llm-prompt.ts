// The LLM tier's system prompt and tools, built from the same schema and catalog as everything else so that the model
// sees exactly the contract the validator enforces.
import type OpenAI from 'openai'
import { ADDONS, PLANS } from '../../shared/domain/catalog'
import { ACTIONS, FIELDS, PARAM_ORDER, cannotParseToolJsonSchema, commandToolJsonSchema } from '../../shared/command/schema'

export const EMIT_TOOL = 'emit_command'
export const CANNOT_TOOL = 'cannot_parse'

function money(cents: number): string {
  return `$${(cents / 100).toFixed(2)}`
}

export function systemPrompt(today: string): string {
  const plans = PLANS.map((p) => `- ${p.code}: ${p.name}, ${money(p.monthlyCents)}/month, ${p.dataMb === null ? 'unlimited data' : `${p.dataMb} MB`}`).join('\n')
  const addons = ADDONS.map((a) => `- ${a.code}: ${a.name}, ${money(a.priceCents)}${a.recurring ? '/month' : ' once'}`).join('\n')
  const fields = FIELDS.map((f) => `- ${f.name} (${f.ops.join(' ')}): ${f.meaning}${'values' in f && f.name !== 'state' ? `; values: ${f.values.join(', ')}` : ''}`).join('\n')
  const actions = ACTIONS.map((a) => `- ${a}(${PARAM_ORDER[a].join(', ')})`).join('\n')
  return `You turn one sentence from an MVNO operations operator into ONE command of the Wingtel console contract, by
calling the tool ${EMIT_TOOL}. If the sentence asks for anything outside the contract, or leaves out something the command
needs (which plan, how much, which lines, which channel, what message), call ${CANNOT_TOOL} instead. Never guess a plan,
an amount, a channel or a scope, and never map an unsupported request (delete, port, refund, cancel, charge, activate,
disconnect, questions) to the nearest action.

Actions (params):
${actions}
Params: plan and addon are catalog codes; amount_cents is an integer number of cents > 0 ($5 = 500); reason is optional
free text (e.g. "network outage"), only when the operator gives one; channel is sms ("text") or email; message is the
operator's text exactly as typed (usually after a colon or in quotes); tag is lower-case without spaces (follow-up).

Scope, exactly one of:
- {"kind":"line","msisdn":"+1NXXNXXXXXX"} for one phone number (E.164; a 10-digit US number gets +1)
- {"kind":"account","account":"ACC-000123"} for every line of one account
- {"kind":"cohort","where":[conditions]} for lines described by conditions (all must hold); where is [] only when the
  operator explicitly means every line ("all lines")
A condition is {"field":F,"op":OP,"value":V}; "in" and "not in" take an array ("TX and OK" → state in [TX, OK]).
Fields:
${fields}

Units: 1 GB = 1024 MB; money in integer cents; "more than 3" is > 3, "at least 3" is >= 3, "under/less than" is <,
"at most" is <=; "between X and Y" is two conditions >= X and <= Y; years are 365 days, months 30 days. "customers for
more than 2 years" is tenure_days > 730. Today is ${today}: "activated in the last 30 days" is activated_at >= today − 30
days. States are two-letter codes (Texas → TX). "remove <add-on> from <cohort>" also adds the condition addon = <add-on>.

Catalog plans:
${plans}
Catalog add-ons:
${addons}
Plan names map to codes: "Mobile 5GB", "the 5 gig plan", "5GB plan" → DATA_5; "HomeFi Unlimited" → HOMEFI_UNL; "unlimited
plus" → UNL_PLUS. A plan that is not in the catalog (e.g. "Mobile 7GB") is an error: call ${CANNOT_TOOL} and name the nearest
real plans.

Examples (canonical form):
"Suspend all lines with more than 3 consecutive failed payments" → suspend where failed_payments > 3
"move everyone on Mobile 5GB with less than 500 MB remaining to Mobile 15GB" → change_plan plan=DATA_15 where plan = DATA_5 and data_remaining_mb < 500
"credit $5 to 512-555-0123 for the network outage" → credit_wallet amount_cents=500 reason="network outage" line +15125550123
"remove international calling from every line on IoT 500MB" → remove_addon addon=INTL where addon = INTL and plan = IOT_500
"change plan for 5125550123" → ${CANNOT_TOOL} (which plan?)
"delete all subscribers" → ${CANNOT_TOOL} (not a supported action)`
}

export function tools(): OpenAI.Chat.Completions.ChatCompletionTool[] {
  return [
    {
      type: 'function',
      function: {
        name: EMIT_TOOL,
        description: 'Emit the one console command the sentence asks for, exactly per the contract.',
        parameters: commandToolJsonSchema(),
      },
    },
    {
      type: 'function',
      function: {
        name: CANNOT_TOOL,
        description: 'Refuse: the request is outside the contract, or something the command needs is missing or unknown.',
        parameters: cannotParseToolJsonSchema(),
      },
    },
  ]
}
