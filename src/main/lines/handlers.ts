import type { LinesApi } from '../../shared/api/lines'
import { AppError } from '../../shared/api/errors'
import type { Workspace } from '../workspace/workspace'

// Placeholder until the lines query layer lands: it refuses with a typed error rather than pretending.
export function linesHandlers(_ws: Workspace): LinesApi {
  const notYet = async (): Promise<never> => {
    throw new AppError('UNAVAILABLE', 'the lines query layer is not built yet')
  }
  return { list: notYet, distinct: notYet, detail: notYet, search: notYet }
}
