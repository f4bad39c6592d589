// The lines domain of the API: the subscriber grid (pages, set-filter values, CSV export lives in export-csv.ts), the
// line detail view and the command palette's search. The engine (and its caches) is shared per workspace.
import type { LinesApi } from '../../shared/api/lines'
import type { Workspace } from '../store'
import { lineDetail } from './detail'
import { linesEngine } from './engine'
import { searchLines } from './search'

export function linesHandlers(ws: Workspace): LinesApi {
  const engine = () => linesEngine(ws)
  return {
    async list(input) {
      return engine().page(input)
    },
    async distinct({ colId }) {
      return engine().distinct(colId)
    },
    async detail({ ref }) {
      return lineDetail(engine(), ref)
    },
    async search({ text, limit }) {
      return searchLines(engine(), text, limit)
    },
  }
}
