// The deterministic demo MVNO: one generator written against a sink, filled into the local store (SQLite) or a central
// Postgres (src/central/demo-fill.ts), so one seed gives the same data on both sides.
export { buildDemoFile, buildDemoWorkspace, buildingPath } from './build'
export { generateDemoInto } from './generate'
export { generateDemo } from './generate-sqlite'
export type { DemoOptions, DemoProgress, DemoSummary } from './params'
export type { DemoSink, DemoSinkInfo, DemoTable } from './sink'
