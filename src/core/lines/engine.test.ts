import { join } from 'node:path'
import Database from 'better-sqlite3'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LINE_COLUMNS, type LineColumn, type LineFilter, type LinesQuery } from '../../shared/api/lines'
import { formatUs } from '../../shared/domain/msisdn'
import type { LineRow } from '../../shared/domain/line'
import { createApi, createCaller } from '../app'
import { COLUMN_SPECS, columnSpec } from './columns'
import { linesEngine, type LinesEngine } from './engine'
import { allRows, makeWorkspace, q, referenceView, type Fixture } from './testing'

let fx: Fixture
let rows: LineRow[]
let engine: LinesEngine

beforeAll(async () => {
  fx = await makeWorkspace(3000, 4)
  rows = allRows(fx.ws)
  engine = linesEngine(fx.ws)
})
afterAll(() => fx?.close())

const MODES = [
  { name: 'direct', directBudgetUs: Infinity, listStrategy: 'auto' as const },
  { name: 'list-walk', directBudgetUs: -1, listStrategy: 'walk' as const },
  { name: 'list-gather', directBudgetUs: -1, listStrategy: 'gather' as const },
  { name: 'list-bitmap', directBudgetUs: -1, listStrategy: 'bitmap' as const },
  { name: 'auto', directBudgetUs: 4000, listStrategy: 'auto' as const },
]

function withMode<T>(mode: (typeof MODES)[number], fn: () => T): T {
  const saved = { ...engine.tuning }
  engine.tuning.directBudgetUs = mode.directBudgetUs
  engine.tuning.listStrategy = mode.listStrategy
  fx.ws.changed(['lines']) // fresh caches: each mode builds its own lists
  try {
    return fn()
  } finally {
    Object.assign(engine.tuning, saved)
  }
}

// --- arbitraries over the real data ------------------------------------------------------------------------------------

const valuesOf = (col: LineColumn) => rows.map((r) => r[col])

function textFilterArb(col: LineColumn): fc.Arbitrary<LineFilter> {
  const sample = fc.constantFrom(...valuesOf(col).map((v) => String(v ?? '')))
  const needle = fc.oneof(
    sample,
    sample.chain((v) => fc.nat(Math.max(0, v.length)).map((n) => v.slice(0, Math.max(1, n)))),
    sample.chain((v) => fc.nat(Math.max(0, v.length)).map((n) => v.slice(n))),
    sample.map((v) => v.toLowerCase()),
    col === 'msisdn' ? sample.map((v) => formatUs(v)) : sample.map((v) => v.toUpperCase()),
    fc.string({ maxLength: 3 }),
  )
  const type = fc.constantFrom('contains', 'notContains', 'equals', 'notEqual', 'startsWith', 'endsWith', 'blank', 'notBlank' as const)
  return fc.record({ filterType: fc.constant('text' as const), type, filter: needle }) as fc.Arbitrary<LineFilter>
}

function numberFilterArb(col: LineColumn): fc.Arbitrary<LineFilter> {
  const sample = fc.oneof(fc.constantFrom(...(valuesOf(col) as number[])), fc.integer({ min: -5, max: 50_000 }))
  const type = fc.constantFrom('equals', 'notEqual', 'lessThan', 'lessThanOrEqual', 'greaterThan', 'greaterThanOrEqual', 'inRange', 'blank', 'notBlank' as const)
  return fc.record({ filterType: fc.constant('number' as const), type, filter: fc.option(sample, { nil: null }), filterTo: fc.option(sample, { nil: null }) }) as fc.Arbitrary<LineFilter>
}

function dateFilterArb(col: LineColumn): fc.Arbitrary<LineFilter> {
  const day = fc.oneof(
    fc.constantFrom(...valuesOf(col).filter((v): v is string => typeof v === 'string').map((v) => `${v.slice(0, 10)} 00:00:00`)),
    fc.date({ min: new Date('2015-01-01'), max: new Date('2027-01-01'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
  )
  const type = fc.constantFrom('equals', 'notEqual', 'lessThan', 'greaterThan', 'inRange', 'blank', 'notBlank' as const)
  return fc.record({ filterType: fc.constant('date' as const), type, dateFrom: fc.option(day, { nil: null }), dateTo: fc.option(day, { nil: null }) }) as fc.Arbitrary<LineFilter>
}

function setFilterArb(col: LineColumn): fc.Arbitrary<LineFilter> {
  const spec = columnSpec(col)
  let pool = [...new Set(valuesOf(col).map((v) => String(v ?? '')))]
  if (spec.list) pool = [...new Set(pool.flatMap((v) => (v === '' ? [''] : v.split(','))))]
  pool = pool.slice(0, 200)
  const value = fc.oneof(fc.constantFrom(...pool), fc.constantFrom(...pool).map((v) => v.toLowerCase()), fc.string({ maxLength: 4 }))
  return fc.record({ filterType: fc.constant('set' as const), values: fc.array(value, { maxLength: 4 }) }) as fc.Arbitrary<LineFilter>
}

function simpleFilterArb(col: LineColumn): fc.Arbitrary<LineFilter> {
  const kind = columnSpec(col).kind
  const own = kind === 'text' ? textFilterArb(col) : kind === 'number' ? numberFilterArb(col) : dateFilterArb(col)
  return fc.oneof({ weight: 3, arbitrary: own }, { weight: 1, arbitrary: setFilterArb(col) })
}

function filterArb(col: LineColumn): fc.Arbitrary<LineFilter> {
  const kind = columnSpec(col).kind
  const own = kind === 'text' ? textFilterArb(col) : kind === 'number' ? numberFilterArb(col) : dateFilterArb(col)
  const combined = fc.record({
    filterType: fc.constant(kind),
    operator: fc.constantFrom('AND', 'OR' as const),
    conditions: fc.array(own, { minLength: 1, maxLength: 2 }),
  }) as fc.Arbitrary<LineFilter>
  return fc.oneof({ weight: 4, arbitrary: simpleFilterArb(col) }, { weight: 1, arbitrary: combined })
}

const columnArb = fc.constantFrom(...LINE_COLUMNS)
const queryArb = fc
  .record({
    filterCols: fc.uniqueArray(columnArb, { maxLength: 2 }),
    sort: fc.uniqueArray(fc.record({ colId: columnArb, sort: fc.constantFrom('asc', 'desc' as const) }), { maxLength: 2, selector: (s) => s.colId }),
    quick: fc.oneof({ weight: 5, arbitrary: fc.constant('') }, { weight: 1, arbitrary: fc.constantFrom('5', '(2', '+1', 'a', 'm', 'ACC-00', '89014', 'jo') }),
    restrict: fc.oneof({ weight: 5, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.array(fc.integer({ min: 1, max: 3100 }), { maxLength: 300 }) }),
    offset: fc.oneof(fc.nat(120), fc.nat(3100)),
    size: fc.constantFrom(1, 37, 100),
  })
  .chain((base) =>
    fc.tuple(...base.filterCols.map((c) => filterArb(c))).map((filters) => ({
      ...base,
      filter: Object.fromEntries(base.filterCols.map((c, i) => [c, filters[i]])) as Partial<Record<LineColumn, LineFilter>>,
    })),
  )

describe('list agrees with the reference model', () => {
  for (const mode of MODES) {
    it(`random filters, sorts, quick search, id lists and offsets (${mode.name})`, () => {
      withMode(mode, () => {
        fc.assert(
          fc.property(queryArb, (g) => {
            const query = q({ filter: g.filter, sort: g.sort, quickSearch: g.quick, lineIds: g.restrict, startRow: g.offset, endRow: g.offset + g.size })
            const expected = referenceView(rows, query, engine.accountDigits())
            const page = engine.page(query)
            expect(page.rowCount).toBe(expected.length)
            expect(page.rows.map((r) => r.id)).toEqual(expected.slice(g.offset, g.offset + g.size).map((r) => r.id))
          }),
          { numRuns: 150, seed: 20261115 + mode.name.length },
        )
      })
    })
  }

  it('every column sorts both ways and pages are contiguous and non-overlapping across offsets', () => {
    for (const mode of MODES) {
      withMode(mode, () => {
        for (const colId of LINE_COLUMNS) {
          for (const dir of ['asc', 'desc'] as const) {
            const sort = [{ colId, sort: dir }]
            const expected = referenceView(rows, q({ sort })).map((r) => r.id)
            const got: number[] = []
            for (let start = 0; start < rows.length; start += 250) {
              const page = engine.page(q({ sort, startRow: start, endRow: start + 250 }))
              expect(page.rowCount).toBe(rows.length)
              got.push(...page.rows.map((r) => r.id))
            }
            expect(got, `${mode.name} ${colId} ${dir}`).toEqual(expected)
          }
        }
      })
    }
  })

  it('a filtered multi-column view pages contiguously from lists and from direct reads alike', () => {
    const base: LinesQuery = { filter: { status: { filterType: 'set', values: ['active', 'suspended'] } }, sort: [{ colId: 'planCode', sort: 'asc' }, { colId: 'dataUsedMb', sort: 'desc' }] }
    const expected = referenceView(rows, q(base)).map((r) => r.id)
    for (const mode of MODES) {
      withMode(mode, () => {
        const got: number[] = []
        for (let start = 0; start < expected.length + 100; start += 100) got.push(...engine.page(q({ ...base, startRow: start, endRow: start + 100 })).rows.map((r) => r.id))
        expect(got).toEqual(expected)
      })
    }
  })

  it('counts are cached per restriction and dropped when the data changes', () => {
    const query = q({ filter: { status: { filterType: 'set', values: ['active'] } } })
    const before = engine.page(query).rowCount
    const n0 = engine.stats.countQueries
    engine.page({ ...query, startRow: 100, endRow: 200 })
    engine.page({ ...query, sort: [{ colId: 'email', sort: 'desc' }] })
    expect(engine.stats.countQueries).toBe(n0)
    const id = rows.find((r) => r.status === 'active')!.id
    fx.ws.db.prepare("UPDATE lines SET status = 'suspended' WHERE id = ?").run(id)
    fx.ws.changed(['lines'])
    expect(engine.page(query).rowCount).toBe(before - 1)
    fx.ws.db.prepare("UPDATE lines SET status = 'active' WHERE id = ?").run(id)
    fx.ws.changed(['lines'])
    expect(engine.page(query).rowCount).toBe(before)
    // a commit by another connection (a sync worker, a CLI run) is noticed through SQLite's data_version
    const other = new Database(join(fx.dir, 'ws.sqlite'))
    other.prepare("UPDATE lines SET status = 'suspended' WHERE id = ?").run(id)
    expect(engine.page(query).rowCount).toBe(before - 1)
    other.prepare("UPDATE lines SET status = 'active' WHERE id = ?").run(id)
    other.close()
    expect(engine.page(query).rowCount).toBe(before)
  })
})

describe('id order with gaps', () => {
  it('pages the default view correctly once ids are no longer dense', () => {
    fx.ws.db.exec('CREATE TEMP TABLE kept AS SELECT * FROM lines WHERE id IN (10, 11, 2500); DELETE FROM lines WHERE id IN (10, 11, 2500)')
    fx.ws.changed(['lines'])
    try {
      const remaining = rows.filter((r) => ![10, 11, 2500].includes(r.id)).map((r) => r.id)
      for (const mode of MODES) {
        withMode(mode, () => {
          for (const start of [0, 5, 100, 2400, remaining.length - 50]) {
            const page = engine.page(q({ startRow: start, endRow: start + 100 }))
            expect(page.rowCount).toBe(remaining.length)
            expect(page.rows.map((r) => r.id), `${mode.name} ${start}`).toEqual(remaining.slice(start, start + 100))
          }
        })
      }
    } finally {
      fx.ws.db.exec('INSERT INTO lines SELECT * FROM kept; DROP TABLE kept')
      fx.ws.changed(['lines'])
    }
  })
})

describe('query plans', () => {
  const plan = (sql: string, params: unknown[]) =>
    (fx.ws.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as Array<{ detail: string }>).map((r) => r.detail).join(' | ')

  it('single-column sorts read the column index in order: no temp B-tree for ORDER BY', () => {
    for (const colId of LINE_COLUMNS) {
      for (const dir of ['asc', 'desc'] as const) {
        const v = engine.view(q({ sort: [{ colId, sort: dir }] }))
        for (const mirrored of [false, true]) {
          const p = plan(engine.directSql(v, mirrored), [...v.where.params, 100, 0])
          expect(p, `${colId} ${dir}`).toContain(`INDEX ${columnSpec(colId).index}`)
          expect(p, `${colId} ${dir}`).not.toContain('TEMP B-TREE')
        }
        const listPlan = plan(engine.listSql(v, rows.length), v.where.params)
        expect(listPlan).not.toContain('TEMP B-TREE')
      }
    }
  })

  it('a filter on a sort column is a range on that index; a filter elsewhere keeps the sort index (no sort of the filtered set)', () => {
    const v1 = engine.view(q({ sort: [{ colId: 'dataUsedMb', sort: 'desc' }], filter: { dataUsedMb: { filterType: 'number', type: 'greaterThan', filter: 1000 } } }))
    expect(plan(engine.directSql(v1), [...v1.where.params, 100, 0])).toMatch(/SEARCH l USING (COVERING )?INDEX lines_data_used \(data_used_mb>\?\)/)
    const v2 = engine.view(q({ sort: [{ colId: 'accountName', sort: 'asc' }], filter: { status: { filterType: 'set', values: ['active'] } } }))
    const p2 = plan(engine.directSql(v2), [...v2.where.params, 100, 0])
    expect(p2).toContain('INDEX lines_account_name')
    expect(p2).not.toContain('TEMP B-TREE')
  })

  it('every indexable filter shape counts through an index', () => {
    const shapes: Array<[LineColumn, LineFilter]> = []
    for (const spec of COLUMN_SPECS.values()) {
      const sample = rows.find((r) => r[spec.colId] != null && r[spec.colId] !== '')![spec.colId]
      shapes.push([spec.colId, { filterType: 'set', values: [String(sample)] }])
      if (spec.kind === 'text') {
        shapes.push([spec.colId, { filterType: 'text', type: 'equals', filter: String(sample) }])
        shapes.push([spec.colId, { filterType: 'text', type: 'startsWith', filter: String(sample).slice(0, 3) }])
      } else if (spec.kind === 'number') {
        shapes.push([spec.colId, { filterType: 'number', type: 'inRange', filter: 1, filterTo: 10 }])
        shapes.push([spec.colId, { filterType: 'number', type: 'greaterThan', filter: 5 }])
      } else {
        shapes.push([spec.colId, { filterType: 'date', type: 'equals', dateFrom: String(sample).slice(0, 10) }])
        shapes.push([spec.colId, { filterType: 'date', type: 'inRange', dateFrom: '2025-01-01', dateTo: '2025-06-30' }])
      }
    }
    for (const [colId, f] of shapes) {
      const v = engine.view(q({ filter: { [colId]: f } }))
      const p = plan(engine.countSql(v), v.where.params)
      expect(p, `${colId} ${JSON.stringify(f)}`).toMatch(/SEARCH l USING (COVERING )?INDEX/)
    }
    const quick = engine.view(q({ quickSearch: 'jo' }))
    const qp = plan(engine.countSql(quick), quick.where.params)
    expect(qp).not.toMatch(/SCAN lines(?! USING)/)
  })
})

describe('distinct and bad input', () => {
  it('serves set-filter values for small columns and refuses the others', async () => {
    const caller = createCaller(createApi(fx.ws))
    expect(await caller.lines.distinct({ colId: 'status' })).toEqual([...new Set(rows.map((r) => r.status))].sort())
    const addons = await caller.lines.distinct({ colId: 'addons' })
    expect(addons).toContain('')
    expect(addons.filter((a) => a)).toEqual([...new Set(rows.flatMap((r) => (r.addons ? r.addons.split(',') : [])))].sort())
    expect(await caller.lines.distinct({ colId: 'cycleDay' })).toEqual([...new Set(rows.map((r) => r.cycleDay))].sort((a, b) => a - b).map(String))
    await expect(caller.lines.distinct({ colId: 'msisdn' })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('msisdn') })
  })

  it('malformed calls give typed BAD_REQUEST errors, not crashes', async () => {
    const caller = createCaller(createApi(fx.ws))
    const bad: unknown[] = [
      { sort: [{ colId: 'password', sort: 'asc' }] },
      { sort: [{ colId: 'msisdn', sort: 'sideways' }] },
      { filter: { 'msisdn; DROP TABLE lines': { filterType: 'text', type: 'equals', filter: 'x' } } },
      { filter: { status: { filterType: 'text', type: 'like', filter: 'x' } } },
      { startRow: -1 },
      { lineIds: ['1'] },
      'not an object',
    ]
    for (const input of bad) {
      await expect(caller.lines.list(input as never), JSON.stringify(input)).rejects.toMatchObject({ code: 'BAD_REQUEST' })
    }
    // valid shape, wrong filter kind for the column: refused by the handler with a message naming the column
    await expect(caller.lines.list({ filter: { dataUsedMb: { filterType: 'text', type: 'equals', filter: '5' } } })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringContaining('dataUsedMb takes number'),
    })
    await expect(caller.lines.list({ filter: { activatedAt: { filterType: 'date', type: 'equals', dateFrom: 'yesterday' } } })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    })
    expect((await caller.lines.list({})).rowCount).toBe(rows.length)
  })

  it('hostile text is data, never SQL', async () => {
    const caller = createCaller(createApi(fx.ws))
    const evil = "x' OR 1=1 --"
    expect((await caller.lines.list({ filter: { accountName: { filterType: 'text', type: 'equals', filter: evil } } })).rowCount).toBe(0)
    expect((await caller.lines.list({ quickSearch: evil })).rowCount).toBe(0)
    expect((await caller.lines.list({ filter: { email: { filterType: 'text', type: 'contains', filter: '%' } } })).rowCount).toBe(0)
    expect((await caller.lines.list({ filter: { email: { filterType: 'text', type: 'contains', filter: '_' } } })).rowCount).toBe(
      rows.filter((r) => r.email.includes('_')).length,
    )
  })
})
