// Saved and ad-hoc reports, the prebuilt dashboards (their summaries built in a child process), the finance month-end
// export and the read-only SQL runner.
export { billShock } from './dashboards/bill-shock'
export { churnForecast } from './dashboards/churn-forecast'
export { revenueWaterfall } from './dashboards/revenue-waterfall'
export { subscriberGrowth } from './dashboards/subscriber-growth'
export { closeDashboardSummaries } from './dashboards/summaries'
export { exportReport, reportTable } from './export'
export { financeReport } from './finance'
export { reportsHandlers, writeFinance } from './handlers'
export { runReport } from './run'
export { listSaved } from './saved'
export { closeSqlRunner, closeSqlRunners, sqlRunnerFor } from './sql-runner'
export { tableToCsv } from './table-export'
