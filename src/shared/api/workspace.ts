export interface WorkspaceStatus {
  /** 'building' while the first-start demo workspace is generated */
  state: 'ready' | 'building' | 'error'
  dbPath: string
  source: 'demo' | 'sandbox' | 'supabase' | 'postgres'
  /** the demo clock: the date the data is "as of" */
  asOf: string | null
  lines: number
  accounts: number
  progress: { phase: string; done: number; total: number } | null
  error: string | null
  version: string
}

export interface WorkspaceApi {
  status(): Promise<WorkspaceStatus>
}
