import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { luhnCheckDigit } from '../../shared/domain/msisdn'
import type { Workspace } from '../store'
import { parseLineListCsv, readCell, resolveLineList } from './line-list'
import { callerFor, demoWorkspace } from './test-support'

const iccid = (body18: string) => body18 + luhnCheckDigit(body18)

describe('parseLineListCsv', () => {
  it('finds the MSISDN column by its header, normalizes any US format and lists bad rows', () => {
    const csv = [
      'name,Phone Number,notes',
      'Ann,(512) 555-0123,ok',
      'Bob,512.555.0124,',
      'Cy,+1 512 555 0125,',
      'Di,5.12555E+09,excel',
      'Ed,555-0126,short',
      'Fa,(512) 555-0123,dup',
      'Gi,,empty',
      'Ho,hello,text',
      'Ix,0125550127,bad area',
    ].join('\n')
    const r = parseLineListCsv(csv, 'callers.csv')
    expect(r.column).toBe('Phone Number')
    expect(r.kind).toBe('msisdn')
    expect(r.rows).toBe(9)
    expect(r.entries.map((e) => e.msisdn)).toEqual(['+15125550123', '+15125550124', '+15125550125'])
    expect(r.bad.map((b) => [b.row, b.reason])).toEqual([
      [5, 'number in scientific notation (a spreadsheet rounded it): format the column as text'],
      [6, 'a US number has 10 digits, this has 7'],
      [7, 'duplicate of row 2'],
      [8, 'no number in Phone Number'],
      [9, 'not a phone number or ICCID'],
      [10, 'not a valid US number (area code or exchange cannot start with 0 or 1)'],
    ])
  })

  it('reads a header-less file of ICCIDs and checks Luhn', () => {
    const good = iccid('890148031000000008')
    const badLuhn = good.slice(0, -1) + String((Number(good.at(-1)) + 1) % 10)
    const r = parseLineListCsv(`${good}\n${badLuhn}\n1234567890123456789\n`, 'sims.csv')
    expect(r.column).toBe('column 1')
    expect(r.kind).toBe('iccid')
    expect(r.entries).toEqual([{ row: 1, value: good, iccid: good }])
    expect(r.bad.map((b) => [b.row, b.reason])).toEqual([
      [2, 'ICCID fails the Luhn check'],
      [3, 'not an ICCID (ICCIDs start with 89)'],
    ])
  })

  it('picks the column whose cells are numbers when no header names it', () => {
    const r = parseLineListCsv('who,what\nx,5125550123\ny,5125550124\n', 'f.csv')
    expect(r.column).toBe('what')
    expect(r.entries).toHaveLength(2)
    expect(readCell("'5125550123")).toEqual({ kind: 'msisdn', value: '+15125550123' })
  })
})

describe('resolveLineList', () => {
  let ws: Workspace
  beforeAll(async () => {
    ws = await demoWorkspace(1500)
  })
  afterAll(() => ws?.close())

  it('maps ICCIDs to their lines, lists unknown numbers, and feeds a list scope', async () => {
    const lines = ws.db.prepare('SELECT msisdn, iccid FROM lines ORDER BY id LIMIT 3').all() as Array<{ msisdn: string; iccid: string }>
    const csv = ['msisdn', lines[0].msisdn, lines[1].iccid, '+12015550199', lines[1].msisdn, 'nope'].join('\n')
    const r = resolveLineList(ws.db, parseLineListCsv(csv, 'mixed.csv'))
    expect(r.kind).toBe('mixed')
    expect(r.msisdns).toEqual([lines[0].msisdn, lines[1].msisdn])
    expect(r.unknown).toEqual([{ row: 4, value: '+12015550199', reason: 'no line has the number +12015550199' }])
    expect(r.bad.map((b) => b.row)).toEqual([5, 6])
    expect(r.bad[0].reason).toMatch(/same line as an earlier row/)
    const api = callerFor(ws)
    const p = await api.console.preview({ command: { action: 'tag', params: { tag: 'listed' }, scope: r.scope! } })
    expect(p.matched).toBe(2)
    const viaApi = await api.console.parseList({ text: csv, filename: 'mixed.csv' })
    expect(viaApi.msisdns).toEqual(r.msisdns)
    const sel = await api.console.selectionScope({ lineIds: [1, 2, 3] })
    expect(sel).toEqual({ kind: 'list', source: 'grid selection', msisdns: lines.map((l) => l.msisdn) })
  })
})
