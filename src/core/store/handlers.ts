import type { WorkspaceApi } from '../../shared/api/workspace'
import type { Workspace } from './workspace'

export function workspaceHandlers(ws: Workspace, version: string): WorkspaceApi {
  return {
    async status() {
      const count = (sql: string) => {
        try {
          return (ws.db.prepare(sql).get() as { n: number }).n
        } catch {
          // a table this workspace does not have (yet) counts as empty
          return 0
        }
      }
      return {
        state: ws.state,
        dbPath: ws.opts.dbPath,
        source: (ws.meta('source') as 'demo' | 'sandbox' | 'supabase' | 'postgres' | null) ?? 'demo',
        asOf: ws.meta('as_of'),
        lines: ws.state === 'ready' ? count('SELECT count(*) AS n FROM lines') : 0,
        accounts: ws.state === 'ready' ? count('SELECT count(*) AS n FROM accounts') : 0,
        progress: ws.progress,
        error: ws.error,
        version,
      }
    },
  }
}
