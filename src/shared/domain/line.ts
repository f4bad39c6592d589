export const LINE_STATUSES = ['pending', 'active', 'suspended', 'hotlined', 'disconnected'] as const
export type LineStatus = (typeof LINE_STATUSES)[number]

export const ACCOUNT_TYPES = ['consumer', 'business'] as const
export type AccountType = (typeof ACCOUNT_TYPES)[number]

/** One row of the subscriber grid. */
export interface LineRow {
  id: number
  msisdn: string
  iccid: string
  imei: string
  accountId: string
  accountName: string
  email: string
  state: string
  zip: string
  accountType: AccountType
  planCode: string
  addons: string
  status: LineStatus
  activatedAt: string | null
  cycleDay: number
  dataUsedMb: number
  failedPayments: number
  pastDueCents: number
  daysPastDue: number
  walletCents: number
  tags: string
  rowVersion: number
  updatedAt: string
}
