// The built-in knowledge base: operator policies the answers link to. Seeded into the `knowledge` table on first use;
// an operator's own articles can be added to the same table.

export interface SeedArticle {
  id: string
  title: string
  tags: string
  body: string
}

export const SEED_ARTICLES: SeedArticle[] = [
  {
    id: 'dunning-schedule',
    title: 'Dunning schedule: late fees, throttling, hotline, disconnect',
    tags: 'suspended,hotlined,disconnected,payment,past-due',
    body: [
      'When an invoice goes unpaid past its due date the account enters dunning. Consumer schedule:',
      '- Day 1: a late fee is added to the next invoice.',
      '- Day 4: data is throttled to 2G speeds.',
      '- Day 12: lines are hotlined — calls reach customer care only.',
      '- Day 14: lines are disconnected, and reactivation carries a fee.',
      '- Day 44: the number is released and lost.',
      'Operators also suspend lines in bulk from the console (for example "suspend all lines with more than 3 consecutive failed payments"); such suspensions carry the batch id and the sentence in the line history.',
      'A payment that succeeds clears the failed-payment streak; resume suspended lines from the console or the line detail.',
    ].join('\n'),
  },
  {
    id: 'decline-codes',
    title: 'Card decline codes and what to tell the customer',
    tags: 'payment,declined,card',
    body: [
      'Payments are charged against vaulted card tokens; card numbers are never stored.',
      '- 530 Do Not Honor: the issuing bank refused without a reason. Ask the customer to call their bank or use another card.',
      '- 302 Credit Floor: the card is over its limit. Offer a partial payment or another card.',
      '- 521 Insufficient Funds: the account lacks funds. Offer to retry after payday.',
      'Consecutive failures count as a streak on the account (failed_payments); the streak drives dunning.',
    ].join('\n'),
  },
  {
    id: 'carrier-plan-rules',
    title: 'Carrier rules for plan changes and provisioning',
    tags: 'plan,carrier,suspended',
    body: [
      'The carrier (Verizon ThingSpace) allows at most 4 service-plan changes per line per calendar month, and none while the line is suspended.',
      'At most 5 provisioning actions (activate, suspend, restore, deactivate) per line per day.',
      'A suspended line is restored automatically when its contract suspend limit is reached.',
      'A mid-cycle plan change is prorated on the next invoice; top-ups are one-time and non-refundable.',
    ].join('\n'),
  },
  {
    id: 'bill-explained',
    title: 'Reading an invoice: plan, add-ons, top-ups, proration, taxes',
    tags: 'bill,invoice,proration,tax',
    body: [
      'Invoices are balance-aware: an unpaid prior balance is carried forward.',
      'Items: the monthly plan charge per line, recurring add-ons (International Calling, Hotspot), one-time top-ups bought in the cycle, proration for mid-cycle plan changes, credits, late fees, and taxes by the billing address state.',
      'A bill is higher than usual most often because of top-ups, a plan upgrade (prorated), a late fee or a carried-forward balance.',
    ].join('\n'),
  },
  {
    id: 'data-usage',
    title: 'Data buckets, top-ups and usage lag',
    tags: 'usage,data,topup',
    body: [
      'Each plan has a monthly data bucket (unlimited plans have none). Top-ups add data for the current cycle only.',
      'Carrier usage arrives about 15 minutes after a session ends, or every 6 hours for long sessions; SMS can be up to 3 days late; rated usage about 2 days late.',
      'Subscribers predicted to overshoot their bucket can be offered a top-up or an upgrade before bill shock (Reports → overshoot).',
    ].join('\n'),
  },
  {
    id: 'reconnect-window',
    title: 'Reconnecting a disconnected line',
    tags: 'disconnected,reconnect,port',
    body: [
      'A disconnected line can be reconnected within about 30 days; after that the number is recycled. Verizon holds a deactivated MDN for 50 days.',
      'Changing an MDN is irreversible and needs a one-time-passcode confirmation; SIM swaps need an ICCID (Luhn) and IMEI check.',
    ].join('\n'),
  },
]
