// What a bulk bootstrap reports: its figures when done (bench/sync.ts prints them) and its progress as it goes. Its own
// module because both the sync thread's bootstrap (bootstrap.ts) and the lane workers (lane.ts) report them.
import type { AsideTimings } from './indexes'

export interface BulkStats {
  /** this run started the bootstrap (false: it resumed one) */
  started: boolean
  rows: number
  chunks: number
  /** waiting for the next chunk: server, network and (COPY) parsing, which happens as the stream is read */
  waitMs: number
  /** writing chunks to SQLite */
  applyMs: number
  /** rebuilding the secondary indexes */
  indexMs: number
  /** lines' indexes built aside by a worker thread: its copy-out and index build, ms (null: built in place) */
  aside?: AsideTimings
  /** the other lanes (lane.ts), in the order they were moved in: their tables; their copy and index build; this thread's own index build, then waiting for the lane and moving its tables in, ms */
  lanes?: Array<{ tables: string[]; loadMs: number; indexMs: number; othersIndexMs: number; waitMs: number; moveMs: number }>
  /** per table copied by this run: rows, wait and write milliseconds */
  tables: Record<string, { rows: number; waitMs: number; applyMs: number }>
}

export interface BulkProgress {
  table: string
  /** rows stored by this bootstrap so far (a resumed one counts the earlier runs too) */
  rows: number
  /** rows this run stored */
  runRows: number
  remaining: number
  chunks: number
  /** of `rows`: those stored by the second lane (lane.ts) */
  laneRows?: number
  /** copying, or (this thread's tables all copied) building the indexes; the second lane may still be copying */
  stage: 'copying' | 'indexing'
}
