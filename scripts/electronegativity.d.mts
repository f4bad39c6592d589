// Types of electronegativity.mjs for its test.
export interface Finding {
  check: string
  severity: string
  confidence: string
  file: string
  line: number
  description: string
}
export interface Scan {
  findings: Finding[]
  unparsed: { file: string; message: string }[]
  files: number
}
export interface Justification {
  check: string
  file: string
  why: string
}
export declare const ROOT: string
export declare const JUSTIFIED_FILE: string
export declare const SCANNED: string[]
export declare const networkAttempts: string[]
export declare function scan(o?: { root?: string; scanned?: string[]; out?: string | null }): Promise<Scan>
export declare function readJustified(file?: string): Justification[]
export declare function judge(scan: Pick<Scan, 'findings' | 'unparsed'>, justified: Justification[]): { failures: string[]; notes: string[] }
