// Parses PostgreSQL's COPY ... TO STDOUT text format (tab-separated, `\N` = NULL, backslash escapes) into rows of values
// ready for SQLite: int columns as numbers (BigInt beyond 2^53), bool as 0/1, bytea (hex output, `\\x0102`) as Buffer,
// text as strings. Fed the stream's buffers as they arrive; only complete lines become rows, and anything malformed
// (wrong field count, a value that does not fit its column, a truncated last line) is a ProtocolError.
import { ProtocolError, type ColumnKind } from '../../../shared/sync/protocol'

const NL = 0x0a
const K_INT = 0
const K_BOOL = 1
const K_BYTEA = 2
const K_TEXT = 3
const KIND_CODE: Record<ColumnKind, number> = { int: K_INT, bool: K_BOOL, bytea: K_BYTEA, text: K_TEXT }
const ESCAPES: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\' }

function unescapeText(s: string): string {
  return s.replace(/\\(x[0-9a-fA-F]{1,2}|[0-7]{1,3}|.)/g, (_, e: string) => {
    if (e.length > 1 && e[0] === 'x') return String.fromCharCode(parseInt(e.slice(1), 16))
    if (/^[0-7]/.test(e)) return String.fromCharCode(parseInt(e, 8))
    return ESCAPES[e] ?? e
  })
}

export class CopyTextParser {
  private kinds: number[]
  private carry: Buffer | null = null
  /** rows parsed so far */
  count = 0

  constructor(
    private table: string,
    private columns: ReadonlyArray<{ name: string; type: ColumnKind }>,
  ) {
    this.kinds = columns.map((c) => KIND_CODE[c.type])
  }

  private fail(why: string): never {
    throw new ProtocolError('malformed', `The server sent a malformed snapshot of ${this.table} (row ${this.count + 1}: ${why}). Nothing of that chunk was applied.`)
  }

  /** Parses every complete line of `buf` (plus what was carried over) and appends the rows to `out`. */
  push(buf: Buffer, out: unknown[][]): void {
    const last = buf.lastIndexOf(NL)
    if (last < 0) {
      this.carry = this.carry ? Buffer.concat([this.carry, buf]) : buf
      return
    }
    // a newline byte never occurs inside a multi-byte UTF-8 sequence: splitting there is safe
    const head = this.carry ? Buffer.concat([this.carry, buf.subarray(0, last + 1)]) : buf.subarray(0, last + 1)
    this.carry = last + 1 < buf.length ? Buffer.from(buf.subarray(last + 1)) : null
    this.parseText(head.toString('utf8'), out)
  }

  /** The stream ended: a partial last line means the snapshot was cut. */
  end(): void {
    if (this.carry && this.carry.length) this.fail('truncated line at the end of the stream')
  }

  private parseText(text: string, out: unknown[][]): void {
    // Walks the text with indexOf instead of splitting lines and fields (no per-row line string and field array);
    // integers up to 15 digits are read from the char codes without a substring.
    const kinds = this.kinds
    const n = kinds.length
    const len = text.length
    let start = 0
    while (start < len) {
      const nl = text.indexOf('\n', start)
      const row = new Array<unknown>(n)
      let p = start
      for (let i = 0; i < n; i++) {
        let e = nl
        if (i < n - 1) {
          e = text.indexOf('\t', p)
          if (e < 0 || e > nl) this.failCount(text, start, nl)
        } else {
          // the last field must not hold another tab
          const extra = text.indexOf('\t', p)
          if (extra >= 0 && extra < nl) this.failCount(text, start, nl)
        }
        // \N = NULL
        if (e - p === 2 && text.charCodeAt(p) === 92 && text.charCodeAt(p + 1) === 78) {
          row[i] = null
          p = e + 1
          continue
        }
        switch (kinds[i]) {
          case K_INT: {
            let j = p
            const neg = text.charCodeAt(j) === 45
            if (neg) j++
            if (j < e && e - j <= 15) {
              let v = 0
              for (; j < e; j++) {
                const d = text.charCodeAt(j) - 48
                if (d < 0 || d > 9) break
                v = v * 10 + d
              }
              if (j === e) {
                row[i] = neg ? -v : v
                break
              }
            }
            const s = text.slice(p, e)
            const v = Number(s)
            if (!Number.isInteger(v) || s === '') this.fail(`${this.columns[i].name}: not an integer (${s.slice(0, 20)})`)
            row[i] = Number.isSafeInteger(v) ? v : BigInt(s)
            break
          }
          case K_BOOL: {
            const c = e - p === 1 ? text.charCodeAt(p) : 0
            if (c === 116) row[i] = 1
            else if (c === 102) row[i] = 0
            else this.fail(`${this.columns[i].name}: not a boolean (${text.slice(p, Math.min(e, p + 20))})`)
            break
          }
          case K_BYTEA: {
            // bytea_output hex, its backslash escaped by COPY: \\x0102...
            const s = text.slice(p, e)
            if (!s.startsWith('\\\\x') || (s.length - 3) % 2 !== 0) this.fail(`${this.columns[i].name}: not hex bytea`)
            row[i] = Buffer.from(s.slice(3), 'hex')
            break
          }
          default: {
            const s = text.slice(p, e)
            row[i] = s.indexOf('\\') < 0 ? s : unescapeText(s)
          }
        }
        p = e + 1
      }
      out.push(row)
      this.count++
      start = nl + 1
    }
  }

  private failCount(text: string, start: number, nl: number): never {
    this.fail(`expected ${this.kinds.length} fields, got ${text.slice(start, nl).split('\t').length}`)
  }
}
