// The report spec's constants: plain values with no library behind them, so the renderer can import them (its only
// value imports from src/shared are src/shared/domain's). The spec's zod schema is src/shared/api/report-spec.ts.

export const REPORT_DATASETS = ['lines', 'accounts', 'usage', 'invoices', 'payments', 'operations'] as const
export type ReportDataset = (typeof REPORT_DATASETS)[number]

export const TIME_GRAINS = ['day', 'week', 'month'] as const
export type TimeGrain = (typeof TIME_GRAINS)[number]

export const AGGREGATIONS = ['count', 'count_distinct', 'sum', 'avg', 'min', 'max'] as const
export type Aggregation = (typeof AGGREGATIONS)[number]

export const CHART_TYPES = ['bar', 'line', 'area', 'pie', 'table'] as const
export type ChartType = (typeof CHART_TYPES)[number]

export const FIELD_TYPES = ['string', 'number', 'money', 'date', 'boolean'] as const
export type FieldType = (typeof FIELD_TYPES)[number]

/** Filter operators; which ones a field accepts depends on its type (the compiler checks). */
export const FILTER_OPS = [
  'eq',
  'neq',
  'gt',
  'gte',
  'lt',
  'lte',
  'between',
  'in',
  'not_in',
  'contains',
  'starts_with',
  'is_null',
  'not_null',
  /** dates: within the last N days of the workspace's as-of date (inclusive) */
  'last_days',
] as const
export type FilterOp = (typeof FILTER_OPS)[number]
