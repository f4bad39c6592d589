// Sentences operators type, with the exact command the local tier must give (or `error: true`). Beyond the shared
// examples file: paraphrases, every field and phrasing the parser claims, and traps. Relative dates use CORPUS_NOW.
import type { Command, Condition, Scope } from './schema'

export const CORPUS_NOW = '2026-11-22'

export type CorpusCase = { text: string; command: Command } | { text: string; error: true; match?: RegExp }

const w = (field: string, op: string, value: unknown) => ({ field, op, value }) as Condition
const where = (...conds: Condition[]): Scope => ({ kind: 'cohort', where: conds })
const line = (msisdn: string): Scope => ({ kind: 'line', msisdn })
const account = (id: string): Scope => ({ kind: 'account', account: id })
const cmd = (action: Command['action'], params: Record<string, unknown>, scope: Scope) => ({ action, params, scope }) as Command
const ok = (text: string, command: Command): CorpusCase => ({ text, command })
const err = (text: string, match?: RegExp): CorpusCase => ({ text, error: true, match })

export const CORPUS: CorpusCase[] = [
  // --- paraphrases of the shared examples
  ok('suspend every line with at least 4 failed payments in a row', cmd('suspend', {}, where(w('failed_payments', '>=', 4)))),
  ok('Suspend lines that have more than three consecutive failed payments', cmd('suspend', {}, where(w('failed_payments', '>', 3)))),
  ok('suspend all lines with 3+ failed payments', cmd('suspend', {}, where(w('failed_payments', '>=', 3)))),
  ok('suspend lines with 3 or more failed payments for non-payment', cmd('suspend', { reason: 'non-payment' }, where(w('failed_payments', '>=', 3)))),
  ok(
    'move everyone on the 5 gig plan with under 500MB left to the 15 gig plan',
    cmd('change_plan', { plan: 'DATA_15' }, where(w('plan', '=', 'DATA_5'), w('data_remaining_mb', '<', 500))),
  ),
  ok(
    'upgrade DATA_5 lines with less than 0.5 GB remaining to DATA_15',
    cmd('change_plan', { plan: 'DATA_15' }, where(w('plan', '=', 'DATA_5'), w('data_remaining_mb', '<', 512))),
  ),
  ok('credit 5 dollars to (512) 555-0123 because of the network outage', cmd('credit_wallet', { amount_cents: 500, reason: 'network outage' }, line('+15125550123'))),
  ok('give 512.555.0123 a $5.50 credit', cmd('credit_wallet', { amount_cents: 550 }, line('+15125550123'))),
  ok('credit 500 cents to +15125550123', cmd('credit_wallet', { amount_cents: 500 }, line('+15125550123'))),
  ok('credit $1,000 to account ACC-000777 for the billing error', cmd('credit_wallet', { amount_cents: 100000, reason: 'billing error' }, account('ACC-000777'))),
  ok('unsuspend account ACC-000123', cmd('resume', {}, account('ACC-000123'))),
  ok('Restore all lines on account ACC-000123', cmd('resume', {}, account('ACC-000123'))),
  ok('resume 1-512-555-0123', cmd('resume', {}, line('+15125550123'))),
  ok('flag every suspended line in TX for follow-up', cmd('tag', { tag: 'follow-up' }, where(w('status', '=', 'suspended'), w('state', '=', 'TX')))),
  ok('tag suspended lines in Texas as follow up', cmd('tag', { tag: 'follow-up' }, where(w('status', '=', 'suspended'), w('state', '=', 'TX')))),
  ok('enable hotspot on 737-555-0199', cmd('add_addon', { addon: 'HOTSPOT' }, line('+17375550199'))),
  ok('add Hotspot 10GB to 17375550199', cmd('add_addon', { addon: 'HOTSPOT' }, line('+17375550199'))),
  ok(
    'drop intl calling from all IoT 500MB lines',
    cmd('remove_addon', { addon: 'INTL' }, where(w('addon', '=', 'INTL'), w('plan', '=', 'IOT_500'))),
  ),
  ok('remove hotspot from every line', cmd('remove_addon', { addon: 'HOTSPOT' }, where(w('addon', '=', 'HOTSPOT')))),
  ok('remove the hotspot add-on from 512-555-0123', cmd('remove_addon', { addon: 'HOTSPOT' }, line('+15125550123'))),
  ok(
    'sms all active HomeFi Unlimited customers: "Maintenance tonight from 1am to 3am"',
    cmd('send_notification', { channel: 'sms', message: 'Maintenance tonight from 1am to 3am' }, where(w('status', '=', 'active'), w('plan', '=', 'HOMEFI_UNL'))),
  ),
  ok(
    'give a $10 credit to business lines more than 30 days past due',
    cmd('credit_wallet', { amount_cents: 1000 }, where(w('account_type', '=', 'business'), w('days_past_due', '>', 30))),
  ),
  ok('suspend lines that owe more than $100', cmd('suspend', {}, where(w('past_due_cents', '>', 10000)))),
  ok('suspend accounts with a past due balance over $250.50', cmd('suspend', {}, where(w('past_due_cents', '>', 25050)))),
  ok(
    'downgrade lines on Mobile 15GB that used less than 2 gigs this cycle to Mobile 5GB',
    cmd('change_plan', { plan: 'DATA_5' }, where(w('plan', '=', 'DATA_15'), w('data_used_mb', '<', 2048))),
  ),
  ok('remove the follow-up tag from account ACC-004512', cmd('untag', { tag: 'follow-up' }, account('ACC-004512'))),
  ok('untag vip from 512 555 0123', cmd('untag', { tag: 'vip' }, line('+15125550123'))),

  // --- plans by name, code and size
  ok('move 5125550123 to Unlimited Plus', cmd('change_plan', { plan: 'UNL_PLUS' }, line('+15125550123'))),
  ok('switch 5125550123 to unlimited+', cmd('change_plan', { plan: 'UNL_PLUS' }, line('+15125550123'))),
  ok('change the plan of 512-555-0123 to the 1 GB plan', cmd('change_plan', { plan: 'DATA_1' }, line('+15125550123'))),
  ok('move account ACC-000123 to HomeFi 300GB', cmd('change_plan', { plan: 'HOMEFI_300' }, account('ACC-000123'))),
  ok('migrate all HomeFi 300 lines to HomeFi Unlimited', cmd('change_plan', { plan: 'HOMEFI_UNL' }, where(w('plan', '=', 'HOMEFI_300')))),
  ok(
    'move lines on Mobile 1GB or Mobile 5GB to Mobile 15GB',
    cmd('change_plan', { plan: 'DATA_15' }, where(w('plan', 'in', ['DATA_1', 'DATA_5']))),
  ),
  ok('upgrade everyone on 5GB to 15GB', cmd('change_plan', { plan: 'DATA_15' }, where(w('plan', '=', 'DATA_5')))),
  ok('move everyone from Mobile 1GB to Mobile 5GB', cmd('change_plan', { plan: 'DATA_5' }, where(w('plan', '=', 'DATA_1')))),
  ok(
    'move lines not on Mobile 15GB that used more than 12 GB to Mobile 15GB',
    cmd('change_plan', { plan: 'DATA_15' }, where(w('plan', '!=', 'DATA_15'), w('data_used_mb', '>', 12288))),
  ),
  ok('suspend all lines on the IoT plan', cmd('suspend', {}, where(w('plan', '=', 'IOT_500')))),
  ok('resume suspended DATA_1 lines', cmd('resume', {}, where(w('status', '=', 'suspended'), w('plan', '=', 'DATA_1')))),

  // --- states, zips, statuses, account types
  ok(
    'text active customers in Texas or Oklahoma: Storm outage update at 5pm',
    cmd('send_notification', { channel: 'sms', message: 'Storm outage update at 5pm' }, where(w('status', '=', 'active'), w('state', 'in', ['TX', 'OK']))),
  ),
  ok(
    'send an sms to active lines in TX and OK: Your data is almost used up',
    cmd('send_notification', { channel: 'sms', message: 'Your data is almost used up' }, where(w('status', '=', 'active'), w('state', 'in', ['TX', 'OK']))),
  ),
  ok('suspend all lines outside Texas with 5 failed payments', cmd('suspend', {}, where(w('state', '!=', 'TX'), w('failed_payments', '=', 5)))),
  ok(
    'resume lines in New York, New Jersey and Connecticut',
    cmd('resume', {}, where(w('state', 'in', ['NY', 'NJ', 'CT']))),
  ),
  ok('tag lines in West Virginia as wv-pilot', cmd('tag', { tag: 'wv-pilot' }, where(w('state', '=', 'WV')))),
  ok('tag all lines in zip 78701 as downtown', cmd('tag', { tag: 'downtown' }, where(w('zip', '=', '78701')))),
  ok('suspend lines in zip codes 78701, 78702 or 78703', cmd('suspend', {}, where(w('zip', 'in', ['78701', '78702', '78703'])))),
  ok('resume all hotlined or suspended lines in tx', cmd('resume', {}, where(w('status', 'in', ['hotlined', 'suspended']), w('state', '=', 'TX')))),
  ok('suspend consumer lines that are not active', cmd('suspend', {}, where(w('account_type', '=', 'consumer'), w('status', '!=', 'active')))),
  ok('tag non-business lines in California as retail', cmd('tag', { tag: 'retail' }, where(w('account_type', '!=', 'business'), w('state', '=', 'CA')))),
  ok('suspend pending lines on accounts ACC-000001 and ACC-000002', cmd('suspend', {}, where(w('status', '=', 'pending'), w('account', 'in', ['ACC-000001', 'ACC-000002'])))),
  ok('resume every suspended line on account ACC-000123', cmd('resume', {}, where(w('status', '=', 'suspended'), w('account', '=', 'ACC-000123')))),

  // --- money: past due and wallet
  ok('suspend lines owing at least $50', cmd('suspend', {}, where(w('past_due_cents', '>=', 5000)))),
  ok('suspend lines owing between $50 and $100', cmd('suspend', {}, where(w('past_due_cents', '>=', 5000), w('past_due_cents', '<=', 10000)))),
  ok('give $2 to every line with a wallet balance under $1', cmd('credit_wallet', { amount_cents: 200 }, where(w('wallet_cents', '<', 100)))),
  ok('credit $3 to lines with no more than 50 cents in their wallet', cmd('credit_wallet', { amount_cents: 300 }, where(w('wallet_cents', '<=', 50)))),
  ok('email business customers with more than $500 past due: Please call billing', cmd('send_notification', { channel: 'email', message: 'Please call billing' }, where(w('account_type', '=', 'business'), w('past_due_cents', '>', 50000)))),
  ok('text lines 15 to 30 days past due: Your payment is late', cmd('send_notification', { channel: 'sms', message: 'Your payment is late' }, where(w('days_past_due', '>=', 15), w('days_past_due', '<=', 30)))),
  ok('suspend lines between 30 and 60 days past due', cmd('suspend', {}, where(w('days_past_due', '>=', 30), w('days_past_due', '<=', 60)))),
  ok('suspend lines at least 2 weeks overdue', cmd('suspend', {}, where(w('days_past_due', '>=', 14)))),

  // --- data
  ok('add a 1GB top-up to 512-555-0123', cmd('add_addon', { addon: 'TOPUP_1GB' }, line('+15125550123'))),
  ok(
    'give a 5 gig top up to every Mobile 5GB line with less than 100 MB remaining',
    cmd('add_addon', { addon: 'TOPUP_5GB' }, where(w('plan', '=', 'DATA_5'), w('data_remaining_mb', '<', 100))),
  ),
  ok('top up 5125550123 with 1 GB', cmd('add_addon', { addon: 'TOPUP_1GB' }, line('+15125550123'))),
  ok('add 1 GB of data to 512-555-0123', cmd('add_addon', { addon: 'TOPUP_1GB' }, line('+15125550123'))),
  ok('give 512-555-0123 an extra 5 gigs', cmd('add_addon', { addon: 'TOPUP_5GB' }, line('+15125550123'))),
  ok(
    'text Mobile 5GB customers with 1.5 gigs or less left: You are running low on data',
    cmd('send_notification', { channel: 'sms', message: 'You are running low on data' }, where(w('plan', '=', 'DATA_5'), w('data_remaining_mb', '<=', 1536))),
  ),
  ok('tag lines that used over 100 GB this cycle as heavy-user', cmd('tag', { tag: 'heavy-user' }, where(w('data_used_mb', '>', 102400)))),
  ok('tag lines with data usage above 2 GB as heavy', cmd('tag', { tag: 'heavy' }, where(w('data_used_mb', '>', 2048)))),
  ok('tag lines with exactly 0 MB used as idle', cmd('tag', { tag: 'idle' }, where(w('data_used_mb', '=', 0)))),

  // --- tenure and activation
  ok('credit $5 to customers for more than 2 years', cmd('credit_wallet', { amount_cents: 500 }, where(w('tenure_days', '>', 730)))),
  ok('tag lines with tenure over 90 days as loyal', cmd('tag', { tag: 'loyal' }, where(w('tenure_days', '>', 90)))),
  ok('tag lines older than 6 months as seasoned', cmd('tag', { tag: 'seasoned' }, where(w('tenure_days', '>', 180)))),
  ok('tag lines activated before 2025-01-01 as legacy', cmd('tag', { tag: 'legacy' }, where(w('activated_at', '<', '2025-01-01')))),
  ok('tag lines activated in the last 30 days as new', cmd('tag', { tag: 'new' }, where(w('activated_at', '>=', '2026-10-23')))),
  ok('text lines activated since 3/1/2026: Welcome to Wingtel', cmd('send_notification', { channel: 'sms', message: 'Welcome to Wingtel' }, where(w('activated_at', '>=', '2026-03-01')))),
  ok('tag lines activated in 2024 as cohort-2024', cmd('tag', { tag: 'cohort-2024' }, where(w('activated_at', '>=', '2024-01-01'), w('activated_at', '<=', '2024-12-31')))),
  ok('tag lines activated after January 15, 2026 as recent', cmd('tag', { tag: 'recent' }, where(w('activated_at', '>', '2026-01-15')))),
  ok('tag lines activated more than 30 days ago as settled', cmd('tag', { tag: 'settled' }, where(w('activated_at', '<', '2026-10-23')))),
  ok('tag lines activated this year as fresh', cmd('tag', { tag: 'fresh' }, where(w('activated_at', '>=', '2026-01-01')))),
  ok(
    'tag lines activated last month as october',
    cmd('tag', { tag: 'october' }, where(w('activated_at', '>=', '2026-10-01'), w('activated_at', '<=', '2026-10-31'))),
  ),
  ok('tag lines activated in the past year as first-year', cmd('tag', { tag: 'first-year' }, where(w('activated_at', '>=', '2025-11-22')))),
  ok('tag lines that used more than 10 GB this month as heavy', cmd('tag', { tag: 'heavy' }, where(w('data_used_mb', '>', 10240)))),
  ok(
    'tag lines activated after 2025-06-01 and before 2025-07-01 as june',
    cmd('tag', { tag: 'june' }, where(w('activated_at', '>', '2025-06-01'), w('activated_at', '<', '2025-07-01'))),
  ),

  // --- presence without a number
  ok('suspend past due lines in Texas', cmd('suspend', {}, where(w('past_due_cents', '>', 0), w('state', '=', 'TX')))),
  ok('tag lines with no failed payments as good', cmd('tag', { tag: 'good' }, where(w('failed_payments', '=', 0)))),
  ok('credit $5 to everyone with an empty wallet', cmd('credit_wallet', { amount_cents: 500 }, where(w('wallet_cents', '=', 0)))),
  ok('email customers who owe money: reminder', cmd('send_notification', { channel: 'email', message: 'reminder' }, where(w('past_due_cents', '>', 0)))),
  err('credit $5 to lines in Texas in the Austin area', /Austin/),

  // --- add-ons and tags as conditions
  ok('suspend lines with hotspot in Texas', cmd('suspend', {}, where(w('addon', '=', 'HOTSPOT'), w('state', '=', 'TX')))),
  ok('add international calling to lines without hotspot on account ACC-000123', cmd('add_addon', { addon: 'INTL' }, where(w('addon', '!=', 'HOTSPOT'), w('account', '=', 'ACC-000123')))),
  ok('resume lines tagged vip', cmd('resume', {}, where(w('tag', '=', 'vip')))),
  ok('untag port-risk from account ACC-000123', cmd('untag', { tag: 'port-risk' }, account('ACC-000123'))),
  ok('text lines tagged enterprise: new portal', cmd('send_notification', { channel: 'sms', message: 'new portal' }, where(w('tag', '=', 'enterprise')))),
  ok('resume lines tagged promise-to-pay', cmd('resume', {}, where(w('tag', '=', 'promise-to-pay')))),
  ok('text lines not tagged do-not-contact: Happy holidays', cmd('send_notification', { channel: 'sms', message: 'Happy holidays' }, where(w('tag', '!=', 'do-not-contact')))),
  ok('untag follow-up from all lines with the resolved tag', cmd('untag', { tag: 'follow-up' }, where(w('tag', '=', 'resolved')))),
  ok('mark lines with 2 failed payments as at-risk', cmd('tag', { tag: 'at-risk' }, where(w('failed_payments', '=', 2)))),
  ok('add a follow-up tag to 512-555-0123', cmd('tag', { tag: 'follow-up' }, line('+15125550123'))),
  ok("tag every line in Texas 'storm-2026'", cmd('tag', { tag: 'storm-2026' }, where(w('state', '=', 'TX')))),

  // --- channels, messages, reasons
  ok('text all active lines saying maintenance tonight', cmd('send_notification', { channel: 'sms', message: 'maintenance tonight' }, where(w('status', '=', 'active')))),
  ok('email account ACC-000123: "Your invoice is ready"', cmd('send_notification', { channel: 'email', message: 'Your invoice is ready' }, account('ACC-000123'))),
  ok('notify 512-555-0123 by text: Call us back', cmd('send_notification', { channel: 'sms', message: 'Call us back' }, line('+15125550123'))),
  ok('send a text to all lines: Network upgrade on Sunday', cmd('send_notification', { channel: 'sms', message: 'Network upgrade on Sunday' }, where())),
  ok('suspend 512-555-0123 for fraud', cmd('suspend', { reason: 'fraud' }, line('+15125550123'))),
  ok('suspend 512-555-0123: "customer asked"', cmd('suspend', { reason: 'customer asked' }, line('+15125550123'))),
  ok('put 512-555-0123 on hold', cmd('suspend', {}, line('+15125550123'))),
  ok('suspend all lines', cmd('suspend', {}, where())),
  ok('tag 5125550123 and 7375550199 for review', cmd('tag', { tag: 'review' }, { kind: 'list', source: 'typed', msisdns: ['+15125550123', '+17375550199'] })),

  // --- errors: outside the contract, missing or unknown things
  err('delete all subscribers'),
  err('port out 512-555-0123', /port/),
  err('refund $20 to 512-555-0123', /refund/),
  err('cancel service for account ACC-000123', /cancel/),
  err('disconnect all suspended lines'),
  err('activate a new line for ACC-000123'),
  err('how many lines are suspended in Texas'),
  err('charge $5 to every line'),
  err('change plan for 5125550123', /which plan/),
  err('move lines on Mobile 7GB to Mobile 15GB', /unknown plan 'Mobile 7GB'/),
  err('move 5125550123 to DATA_7', /unknown plan/),
  err('upgrade 5125550123 to unlimited', /which plan/),
  err('suspend', /which lines/),
  err('credit 512-555-0123', /amount/),
  err('credit 5 to 512-555-0123'),
  err('text all active customers', /message/),
  err('notify all active lines: hello', /channel/),
  err('add a top-up to 512-555-0123', /top-up/),
  err('add roaming to 512-555-0123'),
  err('suspend 512-555-012'),
  err('suspend lines with more than 3', /3/),
  err('suspend lines with a balance over $100', /balance/),
  err('suspend lines with over 2 GB', /used or remaining/),
  err('suspend lines in Texas and text them: bye', /one action/),
  err('suspend account 123', /account/),
  err('suspend lines with hotspot or international calling', /or/),
  err('credit $5.555 to 512-555-0123'),
  err('asdf qwerty'),
  err(''),
  err('suspend 512-555-0123 in Texas'),
  err('tag lines in Texas', /which tag/),
  err('resume lines activated on 2025-02-30'),
  err('suspend lines in Austin with 3 failed payments', /Austin/),
  err('set the data limit to 5 GB for 512-555-0123', /limit/),
  err('add netflix to 512-555-0123', /netflix/),
  err('credit -5 dollars to 512-555-0123', /positive/),
  err('add hotspot and international calling to 512-555-0123', /one add-on/),
  err('move Mobile 1GB lines to Mobile 5GB and Mobile 15GB', /two target plans/),
  err('tag lines owing over $100 or 30 days past due as collections', /or/),
  err('suspend lines in ZZ', /ZZ/),
  err('suspend lines in zip 7870', /7870/),
  err('suspend lines on the HomeFi plan', /which plan/),
  err('add 2GB to 512-555-0123', /no 2GB top-up/),
  err('text lines in Texas with under 10% data left: low', /percent/),
]
