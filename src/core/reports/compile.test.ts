import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { reportSpec, type ReportSpecInput } from '../../shared/api/reports'
import { createApi, createCaller } from '../app'
import { compileReport, grainSql } from './compile'
import { runSpec } from './run'
import { makeTestWorkspace, TEST_AS_OF } from './test-workspace'

let t: Awaited<ReturnType<typeof makeTestWorkspace>>
beforeAll(async () => {
  t = await makeTestWorkspace()
})
afterAll(() => t?.dispose())

const spec = (s: ReportSpecInput) => reportSpec.parse(s)

/** The builder's rows as arrays, in column order. */
function builderRows(s: ReportSpecInput): unknown[][] {
  const r = runSpec(t.ws, spec(s))
  return r.rows.map((row) => r.columns.map((c) => row[c.key]))
}
const hand = (sql: string, ...params: unknown[]) => t.ws.db.prepare(sql).raw(true).all(...params)

describe('report builder = hand-written SQL on the demo data', () => {
  it('lines by plan and status: count and data used', () => {
    expect(
      builderRows({ dataset: 'lines', dimensions: [{ field: 'plan_code' }, { field: 'status' }], measures: [{ agg: 'count' }, { agg: 'sum', field: 'data_used_mb' }], limit: 1000 }),
    ).toEqual(hand('SELECT plan_code, status, count(*), sum(data_used_mb) FROM lines GROUP BY plan_code, status ORDER BY plan_code, status'))
  })

  it('activations by month with a filter and a sort on the measure', () => {
    const rows = builderRows({
      dataset: 'lines',
      dimensions: [{ field: 'activated_at', grain: 'month' }],
      measures: [{ agg: 'count' }],
      filters: [{ field: 'activated_at', op: 'gte', value: '2026-01-01' }, { field: 'account_type', op: 'eq', value: 'consumer' }],
      sort: [{ key: 'count', dir: 'desc' }, { key: 'activated_at_month', dir: 'asc' }],
      limit: 5,
    })
    expect(rows).toEqual(
      hand("SELECT substr(activated_at, 1, 7) m, count(*) n FROM lines WHERE activated_at >= '2026-01-01' AND account_type = 'consumer' GROUP BY m ORDER BY n DESC, m ASC LIMIT 5"),
    )
    expect(rows.length).toBe(5)
  })

  it('cycle usage joined to lines: five dimensions', () => {
    expect(
      builderRows({
        dataset: 'usage',
        dimensions: [{ field: 'cycle_start', grain: 'month' }, { field: 'plan_code' }, { field: 'state' }, { field: 'line_status' }, { field: 'account_type' }],
        measures: [{ agg: 'sum', field: 'data_mb' }, { agg: 'count_distinct', field: 'line_id' }, { agg: 'avg', field: 'data_mb' }],
        limit: 100_000,
      }),
    ).toEqual(
      hand(`SELECT substr(u.cycle_start, 1, 7), u.plan_code, l.state, l.status, l.account_type, sum(u.data_mb), count(DISTINCT u.line_id), round(avg(u.data_mb), 2)
            FROM usage_cycles u JOIN lines l ON l.id = u.line_id GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5`),
    )
  })

  it('invoices by period and state, with in / between filters', () => {
    expect(
      builderRows({
        dataset: 'invoices',
        dimensions: [{ field: 'period' }, { field: 'state' }],
        measures: [{ agg: 'sum', field: 'total_cents' }, { agg: 'max', field: 'tax_cents' }],
        filters: [{ field: 'status', op: 'in', values: ['paid', 'past_due'] }, { field: 'total_cents', op: 'between', values: [1000, 50000] }],
      }),
    ).toEqual(
      hand(`SELECT i.period, a.state, sum(i.total_cents), max(i.tax_cents) FROM invoices i LEFT JOIN accounts a ON a.id = i.account_id
            WHERE i.status IN ('paid', 'past_due') AND i.total_cents BETWEEN 1000 AND 50000 GROUP BY 1, 2 ORDER BY 1, 2 LIMIT 1000`),
    )
  })

  it('payments by week over the last 30 days, failed only', () => {
    expect(
      builderRows({
        dataset: 'payments',
        dimensions: [{ field: 'created_at', grain: 'week' }, { field: 'failure_code' }],
        measures: [{ agg: 'count' }, { agg: 'sum', field: 'amount_cents' }],
        filters: [{ field: 'status', op: 'eq', value: 'failed' }, { field: 'created_at', op: 'last_days', value: 30 }],
      }),
    ).toEqual(
      hand(
        `SELECT date(substr(created_at, 1, 10), 'weekday 0', '-6 days') w, failure_code, count(*), sum(amount_cents) FROM payments
         WHERE status = 'failed' AND substr(created_at, 1, 10) BETWEEN date(?, '-29 days') AND ? GROUP BY 1, 2 ORDER BY 1, 2 LIMIT 1000`,
        TEST_AS_OF,
        TEST_AS_OF,
      ),
    )
  })

  it('accounts: contains and starts_with are bound, not pasted', () => {
    const c = compileReport(spec({ dataset: 'accounts', dimensions: [{ field: 'state' }], measures: [{ agg: 'count' }], filters: [{ field: 'name', op: 'contains', value: "o'; DROP TABLE lines; --%" }] }))
    expect(c.sql).not.toContain('DROP')
    expect(c.params[0]).toBe("%o'; DROP TABLE lines; --\\%%")
    expect(runSpec(t.ws, spec({ dataset: 'accounts', dimensions: [{ field: 'type' }], measures: [{ agg: 'count' }], filters: [{ field: 'zip', op: 'starts_with', value: '7' }] })).rows).toEqual(
      (hand("SELECT type, count(*) FROM accounts WHERE zip LIKE '7%' GROUP BY 1 ORDER BY 1") as unknown[][]).map(([type, count]) => ({ type, count })),
    )
  })

  it('week grain is the Monday of the week', () => {
    const row = t.ws.db.prepare(`SELECT ${grainSql("'2026-11-22'", 'week')} AS a, ${grainSql("'2026-11-16'", 'week')} AS b, ${grainSql("'2026-11-20T10:00:00Z'", 'week')} AS c`).get()
    expect(row).toEqual({ a: '2026-11-16', b: '2026-11-16', c: '2026-11-16' })
  })
})

describe('usage rollup (aggregate awareness)', () => {
  const specs: ReportSpecInput[] = [
    { dataset: 'usage', dimensions: [{ field: 'cycle_start', grain: 'month' }, { field: 'plan_code' }], measures: [{ agg: 'count' }, { agg: 'sum', field: 'data_mb' }, { agg: 'avg', field: 'sms' }] },
    { dataset: 'usage', dimensions: [{ field: 'state' }], measures: [{ agg: 'min', field: 'voice_min' }, { agg: 'max', field: 'data_mb' }], filters: [{ field: 'line_status', op: 'in', values: ['active', 'suspended'] }], sort: [{ key: 'max_data_mb', dir: 'desc' }], limit: 7 },
    { dataset: 'usage', dimensions: [{ field: 'plan_kind' }, { field: 'account_type' }], measures: [{ agg: 'avg', field: 'data_mb' }], filters: [{ field: 'state', op: 'neq', value: 'TX' }] },
    { dataset: 'usage', measures: [{ agg: 'count' }, { agg: 'sum', field: 'voice_min' }] },
  ]
  it.each(specs.map((s, i) => [i, s] as const))('spec %i: the rollup answers exactly what the base tables answer', (_, s) => {
    const viaRollup = runSpec(t.ws, spec(s))
    const viaBase = runSpec(t.ws, spec(s), undefined, { rollups: false })
    expect(viaRollup.via).toContain('rollup_usage')
    expect(viaBase.via).toBeUndefined()
    expect(viaRollup.rows).toEqual(viaBase.rows)
  })

  it('reports the rollup cannot answer run on the base tables', () => {
    for (const s of [
      { dataset: 'usage' as const, dimensions: [{ field: 'cycle_start', grain: 'week' as const }], measures: [{ agg: 'count' as const }] },
      { dataset: 'usage' as const, dimensions: [{ field: 'plan_code' }], measures: [{ agg: 'count_distinct' as const, field: 'line_id' }] },
      { dataset: 'usage' as const, dimensions: [{ field: 'plan_code' }], measures: [{ agg: 'count' as const }], filters: [{ field: 'cycle_start', op: 'gte' as const, value: '2026-10-01' }] },
      { dataset: 'usage' as const, dimensions: [{ field: 'zip' }], measures: [{ agg: 'count' as const }] },
    ]) {
      expect(runSpec(t.ws, spec(s)).via).toBeUndefined()
    }
  })
})

describe('bad report specs', () => {
  it('an unknown field is named, with the known ones', () => {
    expect(() => compileReport(spec({ dataset: 'lines', dimensions: [{ field: 'planz' }], measures: [{ agg: 'count' }] }))).toThrow(
      /unknown field "planz" in dataset lines \(known: id, msisdn, .*plan_code/,
    )
    expect(() => compileReport(spec({ dataset: 'usage', measures: [{ agg: 'sum', field: 'bogus' }] }))).toThrow('unknown field "bogus" in dataset usage')
    expect(() => compileReport(spec({ dataset: 'lines', measures: [{ agg: 'count' }], filters: [{ field: 'x; drop', op: 'eq', value: 1 }] }))).toThrow('unknown field "x; drop"')
  })

  it('grains on non-dates, aggregations a field does not allow, wrong value types and unknown sort keys are refused', () => {
    expect(() => compileReport(spec({ dataset: 'lines', dimensions: [{ field: 'state', grain: 'month' }] }))).toThrow(/time grains/)
    expect(() => compileReport(spec({ dataset: 'lines', measures: [{ agg: 'sum', field: 'msisdn' }] }))).toThrow(/does not allow sum/)
    expect(() => compileReport(spec({ dataset: 'lines', measures: [{ agg: 'count' }], filters: [{ field: 'data_used_mb', op: 'gt', value: 'lots' }] }))).toThrow(/must be a number/)
    expect(() => compileReport(spec({ dataset: 'lines', measures: [{ agg: 'count' }], sort: [{ key: 'nope', dir: 'asc' }] }))).toThrow(/cannot sort by "nope"/)
    expect(() => compileReport(spec({ dataset: 'lines' }))).toThrow(/at least one dimension or measure/)
  })

  it('through the API the error keeps its BAD_INPUT code', async () => {
    const caller = createCaller(createApi(t.ws))
    await expect(caller.reports.run({ spec: { dataset: 'lines', dimensions: [{ field: 'nope' }] } })).rejects.toMatchObject({ message: expect.stringContaining('unknown field "nope"') })
  })
})

describe('saved reports', () => {
  it('save, list, rename, duplicate, run by name, delete', async () => {
    const caller = createCaller(createApi(t.ws))
    const s = { dataset: 'lines' as const, dimensions: [{ field: 'state' }], measures: [{ agg: 'count' as const }], chart: 'bar' as const }
    await caller.reports.save({ name: 'By state', spec: s })
    await expect(caller.reports.save({ name: 'By state', spec: s })).rejects.toThrow(/already exists/)
    await caller.reports.rename({ name: 'By state', newName: 'Lines by state' })
    const dup = await caller.reports.duplicate({ name: 'Lines by state' })
    expect(dup.name).toBe('Lines by state (copy)')
    expect((await caller.reports.list()).map((r) => r.name)).toEqual(['Lines by state', 'Lines by state (copy)'])
    const r = await caller.reports.run({ name: 'Lines by state' })
    expect(r.sql).toContain('GROUP BY 1')
    expect(r.rows.reduce((a, row) => a + Number(row.count), 0)).toBe((t.ws.db.prepare('SELECT count(*) AS n FROM lines').get() as { n: number }).n)
    await caller.reports.remove({ name: 'Lines by state (copy)' })
    await expect(caller.reports.run({ name: 'Lines by state (copy)' })).rejects.toThrow(/no saved report/)
  })
})
