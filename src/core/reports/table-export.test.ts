// Report CSVs (saved reports, the SQL runner's CSV, the finance CSV) go through tableToCsv: attack 10 of issue 11.
import { describe, expect, it } from 'vitest'
import Papa from 'papaparse'
import { tableToCsv, type ExportTable } from './table-export'

const PAYLOADS = ['=HYPERLINK("http://evil.example","x")', '+cmd|x', '-1+cmd|x', '@SUM(A1)', '\t=1', '\r=1']

function table(rows: ExportTable['rows']): ExportTable {
  return {
    title: 't',
    notes: [],
    columns: [
      { key: 'name', label: 'Name', type: 'string' },
      { key: 'due', label: 'Due', type: 'money' },
      { key: 'n', label: 'N', type: 'number' },
    ],
    rows,
  }
}

describe('report CSV (attack 10, CSV injection)', () => {
  it('neutralises formula text in every text cell and the header, and keeps numbers numbers', () => {
    const rows = PAYLOADS.map((name) => ({ name, due: -1250, n: -3 }))
    const csv = tableToCsv({ ...table(rows), columns: [...table([]).columns, { key: 'name', label: '=evil()', type: 'string' }] })
    const parsed = Papa.parse<string[]>(csv, { skipEmptyLines: true, newline: '\r\n' }).data
    expect(parsed[0]).toEqual(['Name', 'Due ($)', 'N', "'=evil()"])
    expect(parsed.slice(1).map((r) => r[0])).toEqual(PAYLOADS.map((p) => `'${p}`))
    for (const r of parsed.slice(1)) expect(r.slice(1, 3)).toEqual(['-12.50', '-3'])
  })

  it('leaves a number held as text alone (an SQL result column of text-typed numbers)', () => {
    const csv = tableToCsv(table([{ name: '-1250', due: null, n: null }, { name: '+15125550123', due: null, n: null }]))
    expect(csv.split('\r\n').slice(1, 3)).toEqual(['-1250,,', '+15125550123,,'])
  })
})
