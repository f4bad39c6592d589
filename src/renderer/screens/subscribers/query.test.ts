import { describe, expect, it } from 'vitest'
import type { LineFilter } from '../../../shared/api/lines'
import { describeView, toViewQuery } from './query'

describe('grid models → lines.list query', () => {
  it('scales display units to store units: dollars to cents, GB to MB, in nested conditions too', () => {
    const q = toViewQuery(
      [],
      {
        pastDueCents: { filterType: 'number', type: 'greaterThan', filter: 12.5 },
        dataUsedMb: {
          filterType: 'number',
          operator: 'OR',
          conditions: [
            { filterType: 'number', type: 'inRange', filter: 1, filterTo: 2.5 },
            { filterType: 'number', type: 'blank' },
          ],
        },
        status: { filterType: 'set', values: ['active'] },
      } as unknown as Record<string, LineFilter>,
      '',
    )
    expect(q.filter).toEqual({
      pastDueCents: { filterType: 'number', type: 'greaterThan', filter: 1250 },
      dataUsedMb: {
        filterType: 'number',
        operator: 'OR',
        conditions: [
          { filterType: 'number', type: 'inRange', filter: 1024, filterTo: 2560 },
          { filterType: 'number', type: 'blank' },
        ],
      },
      status: { filterType: 'set', values: ['active'] },
    })
  })

  it('keeps three sort columns at most and trims the quick search', () => {
    const sort = ['msisdn', 'status', 'planCode', 'state'].map((colId) => ({ colId, sort: 'asc' as const }))
    const q = toViewQuery(sort, null, '  smith ')
    expect(q.sort).toEqual(sort.slice(0, 3))
    expect(q.filter).toEqual({})
    expect(q.quickSearch).toBe('smith')
  })

  it('describes the view for labels', () => {
    const q = toViewQuery([], { status: { filterType: 'set', values: ['suspended', 'hotlined'] }, walletCents: { filterType: 'number', type: 'equals', filter: 1 } } as unknown as Record<string, LineFilter>, 'smith')
    expect(describeView(q)).toBe('status: suspended, hotlined; walletCents filtered; search “smith”')
    expect(describeView(toViewQuery([], null, ''))).toBe('')
  })
})
