// The dashboard summaries build's child process (dashboards/summaries.ts buildInChild): one build per process, so that
// a 20-second build never shares the SQL runner's child and its time limit.
import { childLogger } from '../log'
import { isEntryProcess } from '../runtime'
import { setStoreKey } from '../store'
import { buildSummariesFile, type BuildStats } from './dashboards/summary-build'

export interface DashboardsBuildRequest {
  dbPath: string
  summariesPath: string
  /** the store key (cipher.ts): a child process does not inherit it */
  key: string | null
}

export type DashboardsBuildReply = { ok: true; stats: BuildStats; cpuMs: number } | { ok: false; message: string }

const reply = (m: DashboardsBuildReply) => process.send?.(m)

if (isEntryProcess('dashboards-process') && process.send) {
  process.once('message', (req: DashboardsBuildRequest) => {
    try {
      setStoreKey(req.key)
      const stats = buildSummariesFile(req.dbPath, req.summariesPath)
      const cpu = process.cpuUsage()
      reply({ ok: true, stats, cpuMs: Math.round((cpu.user + cpu.system) / 1000) })
    } catch (e) {
      // the parent's error keeps only the message: the stack goes to the log file through the parent
      childLogger('dashboards-builder').error({ err: e }, 'building the dashboard summaries failed')
      reply({ ok: false, message: (e as Error).message })
    }
  })
  process.on('disconnect', () => process.exit(0))
}
