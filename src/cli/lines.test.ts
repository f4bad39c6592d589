import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { LinesPage } from '../shared/api/lines'
import { allRows, makeWorkspace, q, referenceView, type Fixture } from '../core/lines/testing'
import { parseFilterExpr, queryFromArgs } from './lines'
import { commands, parseArgs, type CliIo } from './registry'

let fx: Fixture

beforeAll(async () => {
  fx = await makeWorkspace(1500, 3)
})
afterAll(() => fx?.close())

async function cli(argv: string[]): Promise<{ code: number; out: string; err: string; json: unknown }> {
  const args = parseArgs([...argv, '--db', join(fx.dir, 'ws.sqlite')])
  const cmd = commands.filter((c) => c.path.every((w, i) => args.positionals[i] === w)).sort((a, b) => b.path.length - a.path.length)[0]
  let out = ''
  let err = ''
  let json: unknown
  const io: CliIo = { out: (t) => (out += `${t}\n`), err: (t) => (err += `${t}\n`), json: (v) => (json = v) }
  try {
    const code = await cmd.run({ ...args, positionals: args.positionals.slice(cmd.path.length) }, io)
    return { code, out, err, json }
  } catch (e) {
    return { code: 1, out, err: (e as Error).message, json }
  }
}

describe('lines CLI', () => {
  it('reads filter expressions', () => {
    expect(parseFilterExpr('status=active')).toEqual(['status', { filterType: 'set', values: ['active'] }])
    expect(parseFilterExpr('dataUsedMb>1000')).toEqual(['dataUsedMb', { filterType: 'number', type: 'greaterThan', filter: 1000 }])
    expect(parseFilterExpr('pastDueCents=100..500')).toEqual(['pastDueCents', { filterType: 'number', type: 'inRange', filter: 100, filterTo: 500 }])
    expect(parseFilterExpr('email^=bob')).toEqual(['email', { filterType: 'text', type: 'startsWith', filter: 'bob' }])
    expect(parseFilterExpr('accountName~son')).toEqual(['accountName', { filterType: 'text', type: 'contains', filter: 'son' }])
    expect(parseFilterExpr('activatedAt>=2025-01-01')[1]).toMatchObject({ filterType: 'date', type: 'inRange', dateFrom: '2025-01-01' })
    expect(parseFilterExpr('tags=')).toEqual(['tags', { filterType: 'text', type: 'blank' }])
    expect(() => parseFilterExpr('colour=red')).toThrow(/Unknown column "colour". Columns: msisdn, iccid/)
    expect(() => parseFilterExpr('dataUsedMb~12')).toThrow(/number column/)
    expect(() => parseFilterExpr('nonsense')).toThrow(/Cannot read the filter/)
    const query = queryFromArgs(parseArgs(['--filter', 'status=active', '--filter', 'dataUsedMb>10', '--filter', 'dataUsedMb<=5000', '--sort', 'planCode:desc,msisdn']))
    expect(query.filter?.dataUsedMb).toMatchObject({ operator: 'AND', conditions: [{ type: 'greaterThan' }, { type: 'lessThanOrEqual' }] })
    expect(query.sort).toEqual([
      { colId: 'planCode', sort: 'desc' },
      { colId: 'msisdn', sort: 'asc' },
    ])
  })

  it('lists, shows, searches and exports through the API', async () => {
    const rows = allRows(fx.ws)
    const list = await cli(['lines', 'list', '--filter', 'status=active', '--filter', 'dataUsedMb>100', '--sort', 'dataUsedMb:desc', '--limit', '7', '--json'])
    expect(list.code).toBe(0)
    const page = list.json as LinesPage
    const expected = referenceView(rows, q({ filter: { status: { filterType: 'set', values: ['active'] }, dataUsedMb: { filterType: 'number', type: 'greaterThan', filter: 100 } }, sort: [{ colId: 'dataUsedMb', sort: 'desc' }] }))
    expect(page.rowCount).toBe(expected.length)
    expect(page.rows.map((r) => r.id)).toEqual(expected.slice(0, 7).map((r) => r.id))

    const human = await cli(['lines', 'list', '--search', rows[10].accountName])
    expect(human.out).toMatch(/^ID\s+MSISDN\s+ACCOUNT/)
    expect(human.out).toContain(rows[10].accountId)
    expect(human.out).toMatch(/rows 1–\d+ of [\d,]+/)

    const d = rows[20].msisdn.slice(2)
    const show = await cli(['line', 'show', `(${d.slice(0, 3)})`, `${d.slice(3, 6)}-${d.slice(6)}`])
    expect(show.code).toBe(0)
    expect(show.out).toContain(rows[20].accountId)
    expect(show.out).toContain(rows[20].iccid)

    const search = await cli(['search', rows[30].iccid.slice(0, 19), '--json'])
    expect((search.json as Array<{ lineId: number }>).map((h) => h.lineId)).toContain(rows[30].id)

    const file = join(fx.dir, 'out.csv')
    const exp = await cli(['lines', 'export', '--out', file, '--filter', 'planCode=DATA_5,DATA_1', '--sort', 'accountName', '--json'])
    expect(exp.code).toBe(0)
    const n = rows.filter((r) => r.planCode === 'DATA_5' || r.planCode === 'DATA_1').length
    expect(exp.json).toMatchObject({ rows: n })
    expect(readFileSync(file, 'utf8').trimEnd().split('\r\n')).toHaveLength(n + 1)
  })

  it('errors are clear: unknown columns listed, not-found naming the search', async () => {
    const bad = await cli(['lines', 'list', '--sort', 'colour:asc'])
    expect(bad.code).toBe(1)
    expect(bad.err).toMatch(/Unknown column "colour". Columns: msisdn, .*updatedAt/)
    const missing = await cli(['line', 'show', '202-555-0199'])
    expect(missing.err).toBe('No line with MSISDN +12025550199 (searched for "202-555-0199")')
    const wrongKind = await cli(['lines', 'list', '--filter', 'activatedAt=yesterday'])
    expect(wrongKind.err).toMatch(/not a date/)
  })
})
