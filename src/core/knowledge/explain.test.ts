import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createApi, createCaller } from '../app'
import { Workspace } from '../store'
import { detectIntent, detectSubject } from './explain'

let dir: string
let ws: Workspace

function seed(db: Workspace['db']): void {
  db.prepare(
    `INSERT INTO accounts (id, name, email, street, city, state, zip, type, wallet_cents, past_due_cents, days_past_due, failed_payments, tags, created_at)
     VALUES ('ACC-000123', 'Dana Reyes', 'dana@example.com', '1 Main St', 'Austin', 'TX', '78701', 'consumer', 0, 8500, 20, 4, '', '2024-01-02')`,
  ).run()
  db.prepare(
    `INSERT INTO lines (id, msisdn, iccid, imei, account_id, plan_code, addons, status, activated_at, cycle_day, cycle_start, updated_at,
       account_name, email, state, zip, account_type, failed_payments, past_due_cents, days_past_due, wallet_cents)
     VALUES (7, '+15125550123', '8901260000000000017', '356938035643809', 'ACC-000123', 'DATA_5', '', 'suspended', '2024-01-05', 5, '2026-11-05', '2026-11-01',
       'Dana Reyes', 'dana@example.com', 'TX', '78701', 'consumer', 4, 8500, 20, 0)`,
  ).run()
  const pay = db.prepare("INSERT INTO payments (account_id, created_at, amount_cents, status, failure_code, failure_message, method_token) VALUES ('ACC-000123', ?, 2165, ?, ?, ?, 'tok_1')")
  pay.run('2026-06-05', 'succeeded', null, null)
  pay.run('2026-07-05', 'failed', '530', 'Do Not Honor')
  pay.run('2026-08-05', 'failed', '521', 'Insufficient Funds')
  pay.run('2026-09-05', 'failed', '521', 'Insufficient Funds')
  pay.run('2026-10-05', 'failed', '530', 'Do Not Honor')
  db.prepare(
    `INSERT INTO op_batches (id, created_at, actor, role, kind, sentence, command, canonical, parser, matched, blocked)
     VALUES ('b-42', '2026-10-10T14:00:00Z', 'olivia.operator', 'operator', 'commit', 'Suspend all lines with more than 3 consecutive failed payments', '{}', 'suspend where failed_payments > 3', 'local', 127, 3)`,
  ).run()
  const ev = db.prepare('INSERT INTO line_events (line_id, at, kind, detail, reason, actor, batch_id) VALUES (7, ?, ?, ?, ?, ?, ?)')
  ev.run('2024-01-05', 'activated', '', null, 'system', null)
  ev.run('2026-10-10T14:00:05Z', 'suspended', 'status active → suspended', 'non-payment', 'olivia.operator', 'b-42')
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'wt-kb-'))
  ws = new Workspace({ dbPath: join(dir, 'ws.sqlite') })
  seed(ws.db)
})
afterEach(() => {
  ws.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('support answers', () => {
  it('understands the question', () => {
    expect(detectIntent('why was line 555-123-4567 suspended?')).toBe('suspended')
    expect(detectIntent('why is my bill higher this month')).toBe('bill')
    expect(detectIntent('was the card declined?')).toBe('payment')
    expect(detectSubject('why was (512) 555-0123 suspended')).toEqual({ msisdn: '+15125550123', account: null })
    expect(detectSubject('what happened to acc-000123?')).toEqual({ msisdn: null, account: 'ACC-000123' })
  })

  it('explains a suspension with the batch, the payment streak and links', async () => {
    const api = createCaller(createApi(ws))
    const a = await api.knowledge.ask({ question: 'why was line 512.555.0123 suspended?' })
    expect(a.intent).toBe('suspended')
    expect(a.subject).toBe('+15125550123')
    const text = a.answer.join(' ')
    expect(text).toContain('suspended on 2026-10-10 by olivia.operator')
    expect(text).toContain('non-payment')
    expect(text).toContain('Suspend all lines with more than 3 consecutive failed payments')
    expect(text).toContain('4 consecutive failed payment(s)')
    expect(text).toContain('530 Do Not Honor')
    expect(text).toContain('It is still suspended')
    expect(a.links.map((l) => l.href)).toEqual(expect.arrayContaining(['#/lines/%2B15125550123', '#/history/b-42']))
    expect(a.articles.map((x) => x.id)).toContain('dunning-schedule')
  })

  it('says clearly when the number is unknown', async () => {
    const a = await createCaller(createApi(ws)).knowledge.ask({ question: 'why was line 555-123-4567 suspended?' })
    expect(a.answer[0]).toContain('No line with MSISDN +15551234567')
  })

  it('refuses an empty question with a typed error', async () => {
    await expect(createCaller(createApi(ws)).knowledge.ask({ question: '   ' })).rejects.toMatchObject({ code: 'BAD_REQUEST' })
  })

  it('finds articles by words', async () => {
    const hits = await createCaller(createApi(ws)).knowledge.articles({ query: 'declined card' })
    expect(hits[0].id).toBe('decline-codes')
  })
})
