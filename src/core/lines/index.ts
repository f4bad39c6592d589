// The subscriber grid's data: filters, sorts, quick search, line detail and the streamed CSV export.
export { columnSpec } from './columns'
export { writeLinesCsv } from './export-csv'
export { linesHandlers } from './handlers'
