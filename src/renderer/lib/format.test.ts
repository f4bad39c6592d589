import { describe, expect, it } from 'vitest'
import { count, dataSize, formatMsisdn, money, statusColor, when } from './format'

describe('display formatting', () => {
  it('money: integer cents as US dollars, nothing for a missing amount', () => {
    expect(money(0)).toBe('$0.00')
    expect(money(5)).toBe('$0.05')
    expect(money(123456)).toBe('$1,234.56')
    expect(money(-250)).toBe('-$2.50')
    expect(money(null)).toBe('')
    expect(money(undefined)).toBe('')
  })

  it('count: thousands separators', () => {
    expect(count(0)).toBe('0')
    expect(count(1_000_000)).toBe('1,000,000')
  })

  it('dataSize: MB below 1 GB, GB (two decimals under 10) below 1 TB, then TB; 1 GB = 1024 MB', () => {
    expect(dataSize(0)).toBe('0 MB')
    expect(dataSize(850.4)).toBe('850 MB')
    expect(dataSize(1023)).toBe('1,023 MB')
    expect(dataSize(1024)).toBe('1.00 GB')
    expect(dataSize(5 * 1024 + 512)).toBe('5.50 GB')
    expect(dataSize(12.4 * 1024)).toBe('12.4 GB')
    expect(dataSize(1024 * 1024)).toBe('1.00 TB')
    expect(dataSize(null)).toBe('')
  })

  it('when: a date stays a date, a timestamp shows to the minute', () => {
    expect(when('2026-11-21')).toBe('2026-11-21')
    expect(when('2026-11-21T14:05:59.123Z')).toBe('2026-11-21 14:05')
    expect(when(null)).toBe('')
    expect(when('')).toBe('')
  })

  it('statusColor: known statuses have their colour, anything else is gray', () => {
    expect(statusColor('active')).toBe('green')
    expect(statusColor('suspended')).toBe('orange')
    expect(statusColor('hotlined')).toBe('red')
    expect(statusColor('no-such-status')).toBe('gray')
    expect(statusColor(null)).toBe('gray')
  })

  it('formatMsisdn: a US number as (NXX) NXX-XXXX', () => {
    expect(formatMsisdn('+15125550123')).toBe('(512) 555-0123')
  })
})
