import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { conditionArb } from '../../shared/command/command-arbitrary'
import { FIELDS, type Condition, type FieldDef } from '../../shared/command/schema'
import type { Workspace } from '../store'
import { daysBetween, loadCatalog, type ConsoleCatalog } from './catalog'
import { compileScope, compileWhere } from './cohort-sql'
import { accessPath, accessTuning } from './preview-plan'
import { demoWorkspace, TEST_AS_OF } from './test-support'

interface Row {
  id: number
  plan_code: string
  status: string
  data_used_mb: number
  topup_mb: number
  failed_payments: number
  past_due_cents: number
  days_past_due: number
  wallet_cents: number
  activated_at: string | null
  state: string
  zip: string
  account_type: string
  account_id: string
  tags: string
  addons: string
}

// The contract's cohort semantics, stated naively over one row.
function fieldValue(r: Row, field: string, cat: ConsoleCatalog): unknown {
  switch (field) {
    case 'plan':
      return r.plan_code
    case 'account':
      return r.account_id
    case 'data_remaining_mb': {
      const bucket = cat.plans.get(r.plan_code)?.dataMb
      return bucket === null || bucket === undefined ? null : bucket + r.topup_mb - r.data_used_mb
    }
    case 'tenure_days':
      return r.activated_at === null ? null : daysBetween(r.activated_at, TEST_AS_OF)
    default:
      return (r as unknown as Record<string, unknown>)[field]
  }
}

function cmp(a: unknown, op: string, b: unknown): boolean {
  const x = a as number | string
  const y = b as number | string
  switch (op) {
    case '=':
      return x === y
    case '!=':
      return x !== y
    case '<':
      return x < y
    case '<=':
      return x <= y
    case '>':
      return x > y
    case '>=':
      return x >= y
  }
  throw new Error(op)
}

function naive(r: Row, c: Condition, cat: ConsoleCatalog): boolean {
  if (c.field === 'tag' || c.field === 'addon') {
    const list = (c.field === 'tag' ? r.tags : r.addons).split(',').filter(Boolean)
    const has = (v: unknown) => list.includes(String(v))
    if (c.op === '=') return has(c.value)
    if (c.op === '!=') return !has(c.value)
    const vs = c.value as unknown as unknown[]
    return c.op === 'in' ? vs.some(has) : !vs.some(has)
  }
  const v = fieldValue(r, c.field, cat)
  if (v === null) return false // unlimited plans, never-activated lines: no test matches
  if (c.op === 'in') return (c.value as unknown[]).includes(v)
  if (c.op === 'not in') return !(c.value as unknown[]).includes(v)
  return cmp(v, c.op, c.value)
}

let ws: Workspace
let rows: Row[]
let cat: ConsoleCatalog

beforeAll(async () => {
  ws = await demoWorkspace(1500)
  rows = ws.db.prepare('SELECT * FROM lines ORDER BY id').all() as Row[]
  cat = loadCatalog(ws.db)
})
afterAll(() => ws?.close())

function sqlIds(where: Condition[]): number[] {
  const f = compileWhere(where, { asOf: TEST_AS_OF, catalog: cat })
  return (ws.db.prepare(`SELECT id FROM lines WHERE ${f.sql} ORDER BY id`).all(...f.params) as Array<{ id: number }>).map((r) => r.id)
}
function jsIds(where: Condition[]): number[] {
  return rows.filter((r) => where.every((c) => naive(r, c, cat))).map((r) => r.id)
}

/** Conditions whose values come from the data itself, so that they match some lines and cut through others. */
function dataConditionArb(): fc.Arbitrary<Condition> {
  const sample = <T,>(get: (r: Row) => T) => fc.integer({ min: 0, max: rows.length - 1 }).map((i) => get(rows[i]))
  const valueOf = (f: FieldDef): fc.Arbitrary<unknown> => {
    switch (f.name) {
      case 'tag':
        return sample((r) => r.tags.split(',')[0] || 'vip')
      case 'addon':
        return sample((r) => r.addons.split(',')[0] || 'INTL')
      case 'activated_at':
        return sample((r) => r.activated_at ?? '2024-01-01')
      default: {
        const base = sample((r) => fieldValue(r, f.name, cat))
        if (!f.numeric) return base.map((v) => v ?? 'X')
        return fc.tuple(base, fc.integer({ min: -2, max: 2 }), fc.boolean()).map(([v, d, frac]) => (typeof v === 'number' ? v : 1000) + d + (frac ? 0.5 : 0))
      }
    }
  }
  return fc.constantFrom(...(FIELDS as readonly FieldDef[])).chain((f) =>
    fc.constantFrom(...f.ops).chain((op) =>
      (op === 'in' || op === 'not in' ? fc.array(valueOf(f), { minLength: 1, maxLength: 4 }) : valueOf(f)).map((value) => ({ field: f.name, op, value }) as Condition),
    ),
  )
}

describe('cohort SQL', () => {
  it('equals a naive JS filter for conditions drawn from the data', () => {
    fc.assert(
      fc.property(fc.array(dataConditionArb(), { minLength: 1, maxLength: 3 }), (where) => {
        expect(sqlIds(where)).toEqual(jsIds(where))
      }),
      { numRuns: 400 },
    )
  })

  it('equals a naive JS filter for arbitrary valid conditions', () => {
    fc.assert(
      fc.property(fc.array(conditionArb, { minLength: 1, maxLength: 2 }), (where) => {
        expect(sqlIds(where)).toEqual(jsIds(where))
      }),
      { numRuns: 200 },
    )
  })

  it('gives the same lines whichever access path the sampler picks (index, forced index, scan)', () => {
    accessTuning.minLines = 0
    try {
      fc.assert(
        fc.property(fc.array(dataConditionArb(), { minLength: 1, maxLength: 3 }), (where) => {
          const ctx = { asOf: TEST_AS_OF, catalog: cat }
          const scope = compileScope({ kind: 'cohort', where }, ctx)
          const from = accessPath(ws.db, { action: 'resume', params: {}, scope: { kind: 'cohort', where } }, ctx, scope)
          const ids = (ws.db.prepare(`SELECT id FROM ${from} WHERE ${scope.sql} ORDER BY id`).all(...scope.params) as Array<{ id: number }>).map((r) => r.id)
          expect(ids).toEqual(jsIds(where))
        }),
        { numRuns: 200 },
      )
    } finally {
      accessTuning.minLines = 20_000
    }
  })

  it('matches every line for an empty where, and splits on tenure boundaries exactly', () => {
    expect(sqlIds([]).length).toBe(rows.length)
    const r = rows.find((x) => x.activated_at)!
    const t = daysBetween(r.activated_at!, TEST_AS_OF)
    expect(sqlIds([{ field: 'tenure_days', op: '=', value: t }])).toContain(r.id)
    expect(sqlIds([{ field: 'tenure_days', op: '>', value: t }])).not.toContain(r.id)
    expect(sqlIds([{ field: 'tenure_days', op: '>=', value: t }])).toContain(r.id)
    expect(sqlIds([{ field: 'tenure_days', op: '<', value: t + 1 }])).toContain(r.id)
  })

  it('never matches unlimited plans on data_remaining_mb, not even with !=', () => {
    const ids = new Set(sqlIds([{ field: 'data_remaining_mb', op: '!=', value: -123456 }]))
    const unlimited = rows.filter((r) => cat.plans.get(r.plan_code)?.dataMb === null)
    expect(unlimited.length).toBeGreaterThan(0)
    for (const r of unlimited) expect(ids.has(r.id)).toBe(false)
  })

  it('refuses fields and operators outside the contract', () => {
    expect(() => compileWhere([{ field: 'imei', op: '=', value: 'x' } as unknown as Condition], { asOf: TEST_AS_OF, catalog: cat })).toThrow(/unknown cohort field/)
    expect(() => compileWhere([{ field: 'tag', op: '<', value: 'x' } as unknown as Condition], { asOf: TEST_AS_OF, catalog: cat })).toThrow(/takes =/)
    expect(() => compileWhere([{ field: 'failed_payments', op: '>', value: '3; DROP TABLE lines' } as unknown as Condition], { asOf: TEST_AS_OF, catalog: cat })).toThrow(/needs a number/)
  })

  it('uses an index for indexed fields (EXPLAIN QUERY PLAN)', () => {
    const plan = (where: Condition[]) => {
      const f = compileWhere(where, { asOf: TEST_AS_OF, catalog: cat })
      return (ws.db.prepare(`EXPLAIN QUERY PLAN SELECT count(*) FROM lines WHERE ${f.sql}`).all(...f.params) as Array<{ detail: string }>).map((r) => r.detail).join(' | ')
    }
    expect(plan([{ field: 'failed_payments', op: '>', value: 3 }])).toMatch(/USING (COVERING )?INDEX lines_failed/)
    expect(plan([{ field: 'plan', op: '=', value: 'DATA_5' }, { field: 'data_remaining_mb', op: '<', value: 500 }])).toMatch(/INDEX lines_(console_)?plan/)
    expect(plan([{ field: 'tenure_days', op: '>', value: 365 }])).toMatch(/INDEX lines_activated/)
    expect(plan([{ field: 'wallet_cents', op: '>', value: 0 }])).toMatch(/INDEX lines_wallet/)
    expect(plan([{ field: 'account', op: '=', value: 'ACC-000001' }])).toMatch(/INDEX lines_account/)
  })
})
