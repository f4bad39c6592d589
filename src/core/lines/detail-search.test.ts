import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PLAN_BY_CODE } from '../../shared/domain/catalog'
import type { LineRow } from '../../shared/domain/line'
import { createApi, createCaller } from '../app'
import { AS_OF, allRows, makeWorkspace, type Fixture } from './testing'

let fx: Fixture
let rows: LineRow[]
let caller: ReturnType<typeof createCaller>

beforeAll(async () => {
  fx = await makeWorkspace(3000, 4)
  rows = allRows(fx.ws)
  caller = createCaller(createApi(fx.ws))
})
afterAll(() => fx?.close())

function formats(e164: string): string[] {
  const d = e164.slice(2)
  const [a, b, c] = [d.slice(0, 3), d.slice(3, 6), d.slice(6)]
  return [e164, d, `1${d}`, `(${a}) ${b}-${c}`, `${a}-${b}-${c}`, `${a}.${b}.${c}`, `+1 ${a} ${b} ${c}`, `+1 (${a}) ${b}-${c}`, ` ${a} ${b} ${c} `]
}

describe('line detail', () => {
  it('loads everything the detail view shows, by MSISDN in any format or by id', async () => {
    const line = rows.find((r) => r.status === 'active' && r.planCode === 'DATA_5' && r.addons !== '') ?? rows.find((r) => r.status === 'active')!
    for (const ref of [...formats(line.msisdn), String(line.id)]) {
      const d = await caller.lines.detail({ ref })
      expect(d.line.id, ref).toBe(line.id)
    }
    const d = await caller.lines.detail({ ref: line.msisdn })
    expect(d.account.id).toBe(line.accountId)
    const siblings = rows.filter((r) => r.accountId === line.accountId && r.id !== line.id)
    expect(d.otherLines.map((l) => l.id)).toEqual(siblings.map((r) => r.id).slice(0, 200))
    expect(d.otherLinesTotal).toBe(siblings.length)
    expect(d.plan.code).toBe(line.planCode)
    expect(d.addons.map((a) => a.code).join(',')).toBe(line.addons)

    // 90 days of daily usage ending at the as-of date, oldest first, decoded from the packed blobs
    expect(d.usage.daily).toHaveLength(90)
    expect(d.usage.daily.at(-1)!.date).toBe(AS_OF)
    expect(d.usage.daily[0].date).toBe('2026-08-18')
    for (let i = 1; i < 90; i++) expect(d.usage.daily[i].date > d.usage.daily[i - 1].date).toBe(true)
    // every day against the blobs decoded here: one little-endian uint16 of MB per day of the month, 0 where none
    const blobs = fx.ws.db.prepare('SELECT month, mb FROM usage_daily WHERE line_id = ?').all(line.id) as Array<{ month: string; mb: Buffer }>
    expect(blobs.some((b) => b.month === '2026-10')).toBe(true)
    const mbOn = (date: string) => {
      const b = blobs.find((x) => x.month === date.slice(0, 7))
      const at = (Number(date.slice(8)) - 1) * 2
      return b && at + 2 <= b.mb.length ? b.mb.readUInt16LE(at) : 0
    }
    expect(d.usage.daily).toEqual(d.usage.daily.map((x) => ({ ...x, mb: mbOn(x.date) })))
    expect(d.usage.daily.some((x) => x.mb > 0)).toBe(true)

    // this cycle against the bucket
    const bucket = PLAN_BY_CODE.get(line.planCode)!.dataMb
    expect(d.usage.bucketMb).toBe(bucket)
    expect(d.usage.usedMb).toBe(line.dataUsedMb)
    expect(d.usage.remainingMb).toBe(bucket == null ? null : bucket + d.usage.topupMb - line.dataUsedMb)
    expect(d.usage.cycles.length).toBeGreaterThan(0)

    expect(d.invoices.length).toBeGreaterThan(0)
    for (const inv of d.invoices) for (const it of inv.items) expect(it.lineId === null || it.lineId === line.id).toBe(true)
    expect(d.payments.length).toBeGreaterThan(0)
    expect(d.events.length).toBeGreaterThan(0)
    expect(Array.isArray(d.care) && Array.isArray(d.operations)).toBe(true)
  })

  it('an unlimited plan has no remaining figure', async () => {
    const line = rows.find((r) => PLAN_BY_CODE.get(r.planCode)?.dataMb == null)!
    const d = await caller.lines.detail({ ref: String(line.id) })
    expect(d.usage.bucketMb).toBeNull()
    expect(d.usage.remainingMb).toBeNull()
  })

  it('shows payment failure codes and the operations of the line', async () => {
    const failed = fx.ws.db.prepare("SELECT account_id AS a FROM payments WHERE status = 'failed' LIMIT 1").get() as { a: string }
    const line = rows.find((r) => r.accountId === failed.a)!
    fx.ws.db
      .prepare("INSERT INTO operations (batch_id, line_id, action, params, base_version, status, created_at) VALUES ('b1', ?, 'suspend', '{}', 1, 'pending', '2026-11-15T10:00:00Z')")
      .run(line.id)
    fx.ws.changed(['operations'])
    const d = await caller.lines.detail({ ref: line.msisdn })
    expect(d.payments.some((p) => p.status === 'failed' && p.failureCode)).toBe(true)
    expect(d.operations).toMatchObject([{ batchId: 'b1', action: 'suspend', status: 'pending' }])
  })

  it('not found names what was searched', async () => {
    const free = ['+12025550000', '+12025550001', '+12025550002'].find((m) => !rows.some((r) => r.msisdn === m))!
    const typed = `(${free.slice(2, 5)}) ${free.slice(5, 8)}-${free.slice(8)}`
    await expect(caller.lines.detail({ ref: typed })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: `No line with MSISDN ${free} (searched for "${typed}")`,
    })
    await expect(caller.lines.detail({ ref: '99999999' })).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('"99999999"') })
    await expect(caller.lines.detail({ ref: 'bob' })).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('"bob"') })
    await expect(caller.lines.detail({ ref: '' })).rejects.toMatchObject({ code: 'BAD_REQUEST' })
    await expect(caller.lines.detail({} as never)).rejects.toMatchObject({ code: 'BAD_REQUEST' })
  })
})

describe('palette search', () => {
  it('finds a line by every format of its MSISDN and by prefixes of it', async () => {
    const line = rows[1234]
    for (const text of formats(line.msisdn)) {
      const hits = await caller.lines.search({ text })
      expect(hits.find((h) => h.lineId === line.id && h.matched === 'msisdn'), text).toBeTruthy()
    }
    const d = line.msisdn.slice(2)
    for (const text of [`(${d.slice(0, 3)}) ${d.slice(3, 6)}`, d.slice(0, 6), `+1${d.slice(0, 7)}`, `${d.slice(0, 3)}-${d.slice(3, 6)}-${d.slice(6, 8)}`]) {
      const hits = await caller.lines.search({ text, limit: 50 })
      const expected = rows.filter((r) => r.msisdn.startsWith(`+1${text.replace(/\D/g, '').replace(/^1(?=\d{3})/, '')}`)).length
      expect(hits.filter((h) => h.matched === 'msisdn').length, text).toBe(Math.min(50, expected))
      for (const h of hits.filter((x) => x.matched === 'msisdn')) expect(h.msisdn!.startsWith(`+1${text.replace(/\D/g, '').replace(/^1(?=\d{3})/, '')}`)).toBe(true)
    }
  })

  it('finds by ICCID prefix, account id (with or without ACC-), name prefix and e-mail prefix', async () => {
    const line = rows[2222]
    // the lines whose ICCID has the prefix, in ICCID order, counted here (the default limit is 10); the line is one
    const iccidPrefix = line.iccid.slice(0, 16)
    const withPrefix = rows.filter((r) => r.iccid.startsWith(iccidPrefix)).sort((a, b) => (a.iccid < b.iccid ? -1 : 1))
    const byIccid = await caller.lines.search({ text: iccidPrefix })
    expect(byIccid.map((h) => [h.lineId, h.matched])).toEqual(withPrefix.slice(0, 10).map((r) => [r.id, 'iccid']))
    const allByIccid = await caller.lines.search({ text: iccidPrefix, limit: 50 })
    expect(allByIccid.map((h) => [h.lineId, h.matched])).toEqual(withPrefix.slice(0, 50).map((r) => [r.id, 'iccid']))
    expect(withPrefix.length).toBeLessThanOrEqual(50)
    expect((await caller.lines.search({ text: line.iccid })).map((h) => h.lineId)).toContain(line.id)

    const acct = line.accountId // ACC-000123
    const digits = acct.slice(4)
    for (const text of [acct, acct.toLowerCase(), digits, String(Number(digits))]) {
      const hits = await caller.lines.search({ text, limit: 50 })
      expect(hits.some((h) => h.kind === 'account' && h.accountId === acct), text).toBe(true)
    }
    const name = line.accountName
    // the accounts whose name has the prefix (any case), counted here: each is one hit
    const namePrefix = name.slice(0, Math.min(name.length, 8)).toLowerCase()
    const named = new Set(rows.filter((r) => r.accountName.toLowerCase().startsWith(namePrefix)).map((r) => r.accountId))
    expect(named.size).toBeLessThanOrEqual(50)
    const byName = await caller.lines.search({ text: namePrefix, limit: 50 })
    expect(byName.filter((h) => h.matched === 'name').map((h) => h.accountId).sort()).toEqual([...named].sort())
    expect(named).toContain(acct)
    expect((await caller.lines.search({ text: name, limit: 50 })).some((h) => h.accountId === acct)).toBe(true)
    const byEmail = await caller.lines.search({ text: line.email.slice(0, line.email.indexOf('@') + 1).toUpperCase(), limit: 50 })
    expect(byEmail.some((h) => h.accountId === acct && h.matched === 'email')).toBe(true)
  })

  it('merges meanings without duplicates and respects the limit', async () => {
    for (const text of ['2', '5', 'a', 'm', '8901', 'ACC-0', 'jo', 'j']) {
      const hits = await caller.lines.search({ text, limit: 10 })
      expect(hits.length).toBeLessThanOrEqual(10)
      const keys = hits.map((h) => (h.kind === 'line' ? `l${h.lineId}` : `a${h.accountId}`))
      expect(new Set(keys).size).toBe(keys.length)
    }
    expect(await caller.lines.search({ text: '' })).toEqual([])
    expect(await caller.lines.search({ text: "'; DROP TABLE lines; --" })).toEqual([])
    await expect(caller.lines.search({ text: 'x', limit: 0 })).rejects.toMatchObject({ code: 'BAD_REQUEST' })
  })

  it('uses index range scans only', () => {
    const plans = [
      "SELECT id FROM lines WHERE msisdn >= ? AND msisdn < ? ORDER BY msisdn LIMIT 10",
      'SELECT id FROM lines WHERE iccid >= ? AND iccid < ? ORDER BY iccid LIMIT 10',
      'SELECT id FROM accounts WHERE id >= ? AND id < ? ORDER BY id LIMIT 10',
      'SELECT id FROM accounts WHERE name COLLATE NOCASE >= ? AND name COLLATE NOCASE < ? ORDER BY name COLLATE NOCASE LIMIT 10',
      'SELECT id FROM accounts WHERE email >= ? AND email < ? ORDER BY email LIMIT 10',
      'SELECT id FROM lines WHERE account_id = ? ORDER BY id LIMIT 1',
    ].map((sql) => (fx.ws.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...(sql.includes('account_id = ?') ? ['a'] : ['a', 'b'])) as Array<{ detail: string }>).map((r) => r.detail).join(' | '))
    for (const p of plans) {
      expect(p).toMatch(/^SEARCH /)
      expect(p).not.toContain('TEMP B-TREE')
    }
  })
})
