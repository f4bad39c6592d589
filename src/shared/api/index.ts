// The one API contract: every domain contributes its input schemas and its handler interface (./<domain>.ts, with no
// tRPC in them), the one API type is ./contract.ts, and the sub-routers are built here. The core implements `Api`; both
// transports (Electron IPC and the loopback HTTP server) dispatch into `appRouter`, so inputs are validated at the
// boundary either way. Imports run one way (domains <- contract <- trpc <- index): no cycle, not even a type-only one.
import { z } from 'zod'
import { ROLES } from '../domain/console'
import { reportSpec } from './report-spec'
import {
  batchInput,
  commitInput,
  historyInput,
  parseInput,
  parseListInput,
  previewInput,
  previewRowsInput,
  rollbackPreviewInput,
  selectionScopeInput,
} from './console'
import { magicLinkInput, magicVerifyInput, passwordSignInInput, totpVerifyInput, unlockInput } from './auth'
import { askInput } from './knowledge'
import { distinctInput, lineRef, linesQuery, searchInput } from './lines'
import {
  deleteReportInput,
  duplicateReportInput,
  exportReportInput,
  exportSqlInput,
  financeExportInput,
  financeInput,
  renameReportInput,
  reportRef,
  saveReportInput,
  sqlRunInput,
  topInput,
} from './reports'
import { opRef, overlayInput, pullInput, settingsInput, signInInput } from './sync'
import { procedure, router } from './trpc'

export type { Api } from './contract'

const workspaceRouter = router({
  status: procedure.input(z.void()).query(({ ctx }) => ctx.api.workspace.status()),
})

const linesRouter = router({
  list: procedure.input(linesQuery).query(({ ctx, input }) => ctx.api.lines.list(input)),
  distinct: procedure.input(distinctInput).query(({ ctx, input }) => ctx.api.lines.distinct(input)),
  detail: procedure.input(lineRef).query(({ ctx, input }) => ctx.api.lines.detail(input)),
  search: procedure.input(searchInput).query(({ ctx, input }) => ctx.api.lines.search(input)),
})

const syncRouter = router({
  status: procedure.input(z.void()).query(({ ctx }) => ctx.api.sync.status()),
  pullNow: procedure.input(pullInput).mutation(({ ctx, input }) => ctx.api.sync.pullNow(input)),
  pushNow: procedure.input(z.void()).mutation(({ ctx }) => ctx.api.sync.pushNow()),
  listProblems: procedure.input(z.void()).query(({ ctx }) => ctx.api.sync.listProblems()),
  retryOp: procedure.input(opRef).mutation(({ ctx, input }) => ctx.api.sync.retryOp(input)),
  discardOp: procedure.input(opRef).mutation(({ ctx, input }) => ctx.api.sync.discardOp(input)),
  getSettings: procedure.input(z.void()).query(({ ctx }) => ctx.api.sync.getSettings()),
  setSettings: procedure.input(settingsInput).mutation(({ ctx, input }) => ctx.api.sync.setSettings(input)),
  signIn: procedure.input(signInInput).mutation(({ ctx, input }) => ctx.api.sync.signIn(input)),
  signOut: procedure.input(z.void()).mutation(({ ctx }) => ctx.api.sync.signOut()),
  ledgerVerify: procedure.input(z.void()).query(({ ctx }) => ctx.api.sync.ledgerVerify()),
  overlay: procedure.input(overlayInput).query(({ ctx, input }) => ctx.api.sync.overlay(input)),
})

const knowledgeRouter = router({
  ask: procedure.input(askInput).query(({ ctx, input }) => ctx.api.knowledge.ask(input)),
  articles: procedure.input(z.object({ query: z.string().max(200).default('') })).query(({ ctx, input }) => ctx.api.knowledge.articles(input)),
  article: procedure.input(z.object({ id: z.string().min(1).max(100) })).query(({ ctx, input }) => ctx.api.knowledge.article(input)),
})

const consoleRouter = router({
  parse: procedure.input(parseInput).mutation(({ ctx, input }) => ctx.api.console.parse(input)),
  parseList: procedure.input(parseListInput).mutation(({ ctx, input }) => ctx.api.console.parseList(input)),
  selectionScope: procedure.input(selectionScopeInput).mutation(({ ctx, input }) => ctx.api.console.selectionScope(input)),
  preview: procedure.input(previewInput).mutation(({ ctx, input }) => ctx.api.console.preview(input)),
  previewRows: procedure.input(previewRowsInput).query(({ ctx, input }) => ctx.api.console.previewRows(input)),
  commit: procedure.input(commitInput).mutation(({ ctx, input }) => ctx.api.console.commit(input)),
  saveDraft: procedure.input(commitInput).mutation(({ ctx, input }) => ctx.api.console.saveDraft(input)),
  rollbackPreview: procedure.input(rollbackPreviewInput).mutation(({ ctx, input }) => ctx.api.console.rollbackPreview(input)),
  history: procedure.input(historyInput).query(({ ctx, input }) => ctx.api.console.history(input)),
  batch: procedure.input(batchInput).query(({ ctx, input }) => ctx.api.console.batch(input)),
  session: router({
    current: procedure.input(z.void()).query(({ ctx }) => ctx.api.console.sessionCurrent()),
    users: procedure.input(z.void()).query(({ ctx }) => ctx.api.console.sessionUsers()),
    signInDemo: procedure.input(z.object({ role: z.enum(ROLES) })).mutation(({ ctx, input }) => ctx.api.console.signInDemo(input)),
    signOut: procedure.input(z.void()).mutation(({ ctx }) => ctx.api.console.signOut()),
  }),
})

const reportsRouter = router({
  datasets: procedure.input(z.void()).query(({ ctx }) => ctx.api.reports.datasets()),
  compile: procedure.input(z.object({ spec: reportSpec })).query(({ ctx, input }) => ctx.api.reports.compile(input)),
  run: procedure.input(reportRef).query(({ ctx, input }) => ctx.api.reports.run(input)),
  list: procedure.input(z.void()).query(({ ctx }) => ctx.api.reports.list()),
  save: procedure.input(saveReportInput).mutation(({ ctx, input }) => ctx.api.reports.save(input)),
  rename: procedure.input(renameReportInput).mutation(({ ctx, input }) => ctx.api.reports.rename(input)),
  duplicate: procedure.input(duplicateReportInput).mutation(({ ctx, input }) => ctx.api.reports.duplicate(input)),
  remove: procedure.input(deleteReportInput).mutation(({ ctx, input }) => ctx.api.reports.remove(input)),
  sqlRun: procedure.input(sqlRunInput).mutation(({ ctx, input }) => ctx.api.reports.sqlRun(input)),
  sqlCancel: procedure.input(z.object({ runId: z.string().min(1).max(64) })).mutation(({ ctx, input }) => ctx.api.reports.sqlCancel(input)),
  schema: procedure.input(z.void()).query(({ ctx }) => ctx.api.reports.schema()),
  subscriberGrowth: procedure.input(z.void()).query(({ ctx }) => ctx.api.reports.subscriberGrowth()),
  churnForecast: procedure.input(topInput).query(({ ctx, input }) => ctx.api.reports.churnForecast(input)),
  revenueWaterfall: procedure.input(z.void()).query(({ ctx }) => ctx.api.reports.revenueWaterfall()),
  billShock: procedure.input(topInput).query(({ ctx, input }) => ctx.api.reports.billShock(input)),
  finance: procedure.input(financeInput).query(({ ctx, input }) => ctx.api.reports.finance(input)),
  exportReport: procedure.input(exportReportInput).mutation(({ ctx, input }) => ctx.api.reports.exportReport(input)),
  exportSql: procedure.input(exportSqlInput).mutation(({ ctx, input }) => ctx.api.reports.exportSql(input)),
  exportFinance: procedure.input(financeExportInput).mutation(({ ctx, input }) => ctx.api.reports.exportFinance(input)),
})

const authRouter = router({
  state: procedure.input(z.void()).query(({ ctx }) => ctx.api.auth.state()),
  signInPassword: procedure.input(passwordSignInInput).mutation(({ ctx, input }) => ctx.api.auth.signInPassword(input)),
  sendMagicLink: procedure.input(magicLinkInput).mutation(({ ctx, input }) => ctx.api.auth.sendMagicLink(input)),
  verifyMagicLink: procedure.input(magicVerifyInput).mutation(({ ctx, input }) => ctx.api.auth.verifyMagicLink(input)),
  enrollTotp: procedure.input(z.void()).mutation(({ ctx }) => ctx.api.auth.enrollTotp()),
  verifyTotp: procedure.input(totpVerifyInput).mutation(({ ctx, input }) => ctx.api.auth.verifyTotp(input)),
  signOut: procedure.input(z.void()).mutation(({ ctx }) => ctx.api.auth.signOut()),
  lock: procedure.input(z.void()).mutation(({ ctx }) => ctx.api.auth.lock()),
  unlock: procedure.input(unlockInput).mutation(({ ctx, input }) => ctx.api.auth.unlock(input)),
  touch: procedure.input(z.void()).mutation(({ ctx }) => ctx.api.auth.touch()),
})

export const appRouter = router({
  workspace: workspaceRouter,
  lines: linesRouter,
  sync: syncRouter,
  knowledge: knowledgeRouter,
  console: consoleRouter,
  reports: reportsRouter,
  auth: authRouter,
})

export type AppRouter = typeof appRouter

/** Every procedure path ("lines.list"), for transports that must refuse unknown paths before dispatch. */
export function procedurePaths(): string[] {
  return Object.keys(appRouter._def.procedures)
}
