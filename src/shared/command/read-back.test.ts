// The read-back renders the command, never the sentence: each field, op and action in words, money in dollars through
// the one formatter, and an inversion reads as the opposite of what was asked (issue 11).
import { describe, expect, it } from 'vitest'
import { parseCanonical } from './canonical'
import { readBack } from './read-back'

function rb(canonical: string, count?: number): string {
  const r = parseCanonical(canonical)
  if (!r.ok) throw new Error(r.error)
  return readBack(r.command, { count })
}

describe('read-back', () => {
  it.each([
    ['resume where status = suspended and past_due_cents > 0', 39, 'Resume 39 suspended lines that owe more than $0.00 past due'],
    ['resume where status = suspended and past_due_cents = 0', 4, 'Resume 4 suspended lines that owe exactly $0.00 past due'],
    ['suspend all', 1500, 'Suspend EVERY line (1,500)'],
    ['suspend reason="fraud" line +15125550123', undefined, 'Suspend the line +15125550123 (reason: "fraud")'],
    ['credit_wallet amount_cents=123456 account ACC-000123', 3, 'Credit $1,234.56 to the wallet of the 3 lines of account ACC-000123'],
    ['change_plan plan=DATA_15 where plan = DATA_5 and data_remaining_mb < 500', 1, 'Move 1 line that is on Mobile 5GB (DATA_5) and has less than 500 MB of data left this cycle to Mobile 15GB (DATA_15)'],
    ['add_addon addon=HOTSPOT where state not in (TX, OK) and addon != INTL', undefined, 'Add Hotspot 10GB (HOTSPOT) to lines that are not in any of TX or OK and do not have International Calling (INTL)'],
    ['tag tag=review where tag != vip and failed_payments >= 3', 10, 'Tag 10 lines that are not tagged vip and have at least 3 consecutive failed payments with "review"'],
    ['untag tag=vip where wallet_cents <= 100 and days_past_due > 30', 2, 'Remove the tag "vip" from 2 lines that have at most $1.00 in their wallet and are more than 30 days past due'],
    ['send_notification channel=sms message="Hi" where data_used_mb > 10240 and tenure_days > 730', 5, 'Send an SMS to 5 lines that used more than 10 GB of data this cycle and were activated more than 730 days ago: "Hi"'],
    ['remove_addon addon=INTL where activated_at < 2025-01-01 and account_type = business and zip = 78701', 7, 'Remove International Calling (INTL) from 7 lines that were activated before 2025-01-01 and are on a business account and are in ZIP 78701'],
    ['untag tag=vip where wallet_cents <= 100 and state = TX', 1, 'Remove the tag "vip" from 1 line that has at most $1.00 in its wallet and is in TX'],
    ['resume list "up.csv" (+15125550123, +15125550124)', 2, 'Resume the 2 listed lines ("up.csv")'],
  ])('%s', (canonical, count, want) => {
    expect(rb(canonical, count)).toBe(want)
  })
})
