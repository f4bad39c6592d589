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

  it('refuses a malformed query with BAD_INPUT', async () => {
    await expect(exportToString({ sort: [{ colId: 'nope' as never, sort: 'asc' }] })).rejects.toMatchObject({ code: 'BAD_INPUT' })
  })
})
