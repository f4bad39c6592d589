// The report spec the builder produces, as a zod schema over the constants of src/shared/domain/report-spec.ts. Part of
// the API contract (src/shared/api/reports.ts re-exports it); the renderer takes only its types.
import { z } from 'zod'
import { AGGREGATIONS, CHART_TYPES, FILTER_OPS, REPORT_DATASETS, TIME_GRAINS } from '../domain/report-spec'

/** Field names are plain identifiers; whether they exist is checked against the dataset's whitelist by the compiler. */
const fieldName = z.string().min(1).max(64)
const scalar = z.union([z.string().max(200), z.number().finite(), z.boolean()])

export const reportDimension = z.object({
  field: fieldName,
  /** for date fields only */
  grain: z.enum(TIME_GRAINS).optional(),
})
export type ReportDimension = z.infer<typeof reportDimension>

export const reportMeasure = z.object({
  agg: z.enum(AGGREGATIONS),
  /** required for every aggregation except count (count of rows) */
  field: fieldName.optional(),
})
export type ReportMeasure = z.infer<typeof reportMeasure>

export const reportFilter = z.object({
  field: fieldName,
  op: z.enum(FILTER_OPS),
  /** eq/neq/gt/gte/lt/lte/contains/starts_with/last_days */
  value: scalar.optional(),
  /** in/not_in: the list; between: [from, to] */
  values: z.array(scalar).max(1000).optional(),
})
export type ReportFilter = z.infer<typeof reportFilter>

export const reportSort = z.object({
  /** an output column key (see ReportColumn.key) */
  key: z.string().min(1).max(100),
  dir: z.enum(['asc', 'desc']).default('asc'),
})

export const reportSpec = z.object({
  title: z.string().max(200).optional(),
  dataset: z.enum(REPORT_DATASETS),
  dimensions: z.array(reportDimension).max(8).default([]),
  measures: z.array(reportMeasure).max(12).default([]),
  filters: z.array(reportFilter).max(20).default([]),
  sort: z.array(reportSort).max(4).default([]),
  limit: z.number().int().min(1).max(100_000).default(1000),
  chart: z.enum(CHART_TYPES).default('table'),
})
export type ReportSpec = z.output<typeof reportSpec>
export type ReportSpecInput = z.input<typeof reportSpec>
