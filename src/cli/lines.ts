// `lines list`, `lines export`, `line show`, `search`: the subscriber grid, the detail view and the palette, headless.
// Every call goes through createCaller(createApi(ws)), so the CLI gets exactly the transports' validation.
import { createWriteStream } from 'node:fs'
import { resolve } from 'node:path'
import { finished } from 'node:stream/promises'
import { TRPCError } from '@trpc/server'
import { AppError, isAppError } from '../shared/api/errors'
import { LINE_COLUMNS, type LineColumn, type LineFilter, type LinesQuery } from '../shared/api/lines'
import { formatUs } from '../shared/domain/msisdn'
import { createApi, createCaller } from '../core/app'
import { columnSpec, writeLinesCsv } from '../core/lines'
import type { Workspace } from '../core/store'
import { flagNumber, flagString, register, type CliIo, type ParsedArgs } from './registry'
import { openWorkspaceFromArgs } from './workspace-commands'

const FILTER_HELP = `filters: col=value (equals; a,b,c = any of, a..b = range), col!=value, col>n, col>=n, col<n, col<=n,
  col~text (contains), col!~text (does not contain), col^=text (starts with), col$=text (ends with), col= (blank), col!= (not blank)`

function unknownColumn(name: string): AppError {
  return new AppError('BAD_INPUT', `Unknown column "${name}". Columns: ${LINE_COLUMNS.join(', ')}`)
}

function asColumn(name: string): LineColumn {
  const hit = LINE_COLUMNS.find((c) => c.toLowerCase() === name.trim().toLowerCase())
  if (!hit) throw unknownColumn(name)
  return hit
}

/** `status=active`, `dataUsedMb>1000`, `email^=bob`, `activatedAt=2025-01-01..2025-03-31` → one grid filter condition. */
export function parseFilterExpr(expr: string): [LineColumn, Exclude<LineFilter, { operator: 'AND' | 'OR' }>] {
  const m = /^\s*([A-Za-z]+)\s*(!~|!=|>=|<=|\^=|\$=|~|=|>|<)(.*)$/s.exec(expr)
  if (!m) throw new AppError('BAD_INPUT', `Cannot read the filter "${expr}". ${FILTER_HELP}`)
  const col = asColumn(m[1])
  const op = m[2]
  const value = m[3].trim()
  const spec = columnSpec(col)
  const bad = () => new AppError('BAD_INPUT', `Filter "${expr}": ${col} is a ${spec.kind} column and does not take "${op}". ${FILTER_HELP}`)
  if (value === '' && (op === '=' || op === '!=')) {
    const type = op === '=' ? 'blank' : 'notBlank'
    return [col, spec.kind === 'text' ? { filterType: 'text', type } : spec.kind === 'number' ? { filterType: 'number', type } : { filterType: 'date', type }]
  }
  const range = /^(.+?)\.\.(.+)$/.exec(value)
  if (spec.kind === 'number') {
    const num = (s: string) => {
      const n = Number(s)
      if (!Number.isFinite(n)) throw new AppError('BAD_INPUT', `Filter "${expr}": "${s}" is not a number (${col} is a number column)`)
      return n
    }
    if (op === '=' && range) return [col, { filterType: 'number', type: 'inRange', filter: num(range[1]), filterTo: num(range[2]) }]
    if (op === '=' && value.includes(',')) return [col, { filterType: 'set', values: value.split(',').map((v) => String(num(v))) }]
    const types: Record<string, 'equals' | 'notEqual' | 'greaterThan' | 'greaterThanOrEqual' | 'lessThan' | 'lessThanOrEqual'> = {
      '=': 'equals',
      '!=': 'notEqual',
      '>': 'greaterThan',
      '>=': 'greaterThanOrEqual',
      '<': 'lessThan',
      '<=': 'lessThanOrEqual',
    }
    if (!types[op]) throw bad()
    return [col, { filterType: 'number', type: types[op], filter: num(value) }]
  }
  if (spec.kind === 'date') {
    const day = (s: string) => {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(s.trim())) throw new AppError('BAD_INPUT', `Filter "${expr}": "${s}" is not a date (YYYY-MM-DD)`)
      return s.trim()
    }
    if (op === '=' && range) return [col, { filterType: 'date', type: 'inRange', dateFrom: day(range[1]), dateTo: day(range[2]) }]
    if (op === '=') return [col, { filterType: 'date', type: 'equals', dateFrom: day(value) }]
    if (op === '!=') return [col, { filterType: 'date', type: 'notEqual', dateFrom: day(value) }]
    if (op === '<') return [col, { filterType: 'date', type: 'lessThan', dateFrom: day(value) }]
    if (op === '>') return [col, { filterType: 'date', type: 'greaterThan', dateFrom: day(value) }]
    if (op === '>=') return [col, { filterType: 'date', type: 'inRange', dateFrom: day(value), dateTo: '9999-12-31' }]
    if (op === '<=') return [col, { filterType: 'date', type: 'inRange', dateFrom: '0001-01-01', dateTo: day(value) }]
    throw bad()
  }
  const textTypes: Record<string, 'equals' | 'notEqual' | 'contains' | 'notContains' | 'startsWith' | 'endsWith'> = {
    '=': 'equals',
    '!=': 'notEqual',
    '~': 'contains',
    '!~': 'notContains',
    '^=': 'startsWith',
    '$=': 'endsWith',
  }
  // codes (status, plan, add-ons, tags…) and lists of values are set filters: "any of"
  if (op === '=' && (spec.distinct || value.includes(','))) return [col, { filterType: 'set', values: value.split(',').map((v) => v.trim()) }]
  if (!textTypes[op]) throw bad()
  return [col, { filterType: 'text', type: textTypes[op], filter: value }]
}

/** The grid query named by --sort, --filter (repeatable), --search, --offset and --limit. */
export function queryFromArgs(args: ParsedArgs): LinesQuery {
  const filters = new Map<LineColumn, Array<Exclude<LineFilter, { operator: 'AND' | 'OR' }>>>()
  for (const expr of args.multi?.filter ?? (typeof args.flags.filter === 'string' ? [args.flags.filter] : [])) {
    const [col, f] = parseFilterExpr(expr)
    filters.set(col, [...(filters.get(col) ?? []), f])
  }
  const filter: Partial<Record<LineColumn, LineFilter>> = {}
  for (const [col, fs] of filters) {
    if (fs.length === 1) filter[col] = fs[0]
    else {
      if (fs.length > 4) throw new AppError('BAD_INPUT', `At most 4 filters on one column (${col})`)
      const kind = columnSpec(col).kind
      filter[col] = { filterType: kind, operator: 'AND', conditions: fs }
    }
  }
  const sortText = flagString(args, 'sort')
  const sort = sortText
    ? sortText.split(',').map((part) => {
        const [name, dir = 'asc'] = part.split(':')
        const d = dir.trim().toLowerCase()
        if (d !== 'asc' && d !== 'desc') throw new AppError('BAD_INPUT', `Sort direction "${dir}" for ${name}: use asc or desc`)
        return { colId: asColumn(name), sort: d as 'asc' | 'desc' }
      })
    : []
  const offset = flagNumber(args, 'offset', 0)
  const limit = flagNumber(args, 'limit', 20)
  return { filter, sort, quickSearch: flagString(args, 'search') ?? '', startRow: offset, endRow: offset + limit }
}

/** Runs an API call, turning the router's typed errors back into AppErrors (their code and message) for the CLI. */
async function call<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn()
  } catch (e) {
    if (e instanceof TRPCError) {
      if (isAppError(e.cause)) throw e.cause
      throw new AppError(e.code === 'BAD_REQUEST' ? 'BAD_INPUT' : 'INTERNAL', e.message)
    }
    throw e
  }
}

function table(rows: Array<Record<string, unknown>>, cols: Array<[string, string, number?]>): string {
  const cell = (v: unknown, w?: number) => {
    const s = v == null ? '' : String(v)
    return w && s.length > w ? `${s.slice(0, w - 1)}…` : s
  }
  const widths = cols.map(([key, title, w]) => Math.max(title.length, ...rows.map((r) => cell(r[key], w).length)))
  const line = (vals: string[]) => vals.map((v, i) => v.padEnd(widths[i])).join('  ').trimEnd()
  return [line(cols.map((c) => c[1])), line(widths.map((w) => '-'.repeat(w))), ...rows.map((r) => line(cols.map(([k, , w]) => cell(r[k], w))))].join('\n')
}

const money = (cents: number) => `$${(cents / 100).toFixed(2)}`
const gb = (mb: number | null) => (mb == null ? 'unlimited' : `${(mb / 1024).toFixed(1)} GB`)

function withWorkspace<T>(args: ParsedArgs, fn: (ws: Workspace) => Promise<T>): Promise<T> {
  const ws = openWorkspaceFromArgs(args)
  return fn(ws).finally(() => ws.close())
}

async function linesList(args: ParsedArgs, io: CliIo): Promise<number> {
  const query = queryFromArgs(args)
  return withWorkspace(args, async (ws) => {
    const page = await call(() => createCaller(createApi(ws)).lines.list(query))
    if (args.flags.json) {
      io.json(page)
      return 0
    }
    const rows = page.rows.map((r) => ({ ...r, phone: formatUs(r.msisdn), pastDue: r.pastDueCents ? money(r.pastDueCents) : '' }))
    io.out(
      table(rows, [
        ['id', 'ID'],
        ['phone', 'MSISDN'],
        ['accountId', 'ACCOUNT'],
        ['accountName', 'NAME', 24],
        ['state', 'ST'],
        ['planCode', 'PLAN'],
        ['status', 'STATUS'],
        ['dataUsedMb', 'USED MB'],
        ['pastDue', 'PAST DUE'],
        ['activatedAt', 'ACTIVATED'],
      ]),
    )
    const from = page.rows.length ? (query.startRow ?? 0) + 1 : 0
    io.out(`rows ${from}–${(query.startRow ?? 0) + page.rows.length} of ${page.rowCount.toLocaleString('en-US')}`)
    return 0
  })
}

async function linesExport(args: ParsedArgs, io: CliIo): Promise<number> {
  const outPath = flagString(args, 'out')
  if (!outPath) throw new AppError('BAD_INPUT', 'lines export needs --out FILE.csv')
  const query = queryFromArgs(args)
  return withWorkspace(args, async (ws) => {
    // validate through the API first (same errors as the grid), then stream the whole view
    await call(() => createCaller(createApi(ws)).lines.list({ ...query, startRow: 0, endRow: 1 }))
    const path = resolve(outPath)
    const out = createWriteStream(path)
    const t0 = performance.now()
    const n = await writeLinesCsv(ws, query, out)
    out.end()
    await finished(out)
    const seconds = Math.round(performance.now() - t0) / 1000
    if (args.flags.json) io.json({ ok: true, path, rows: n, seconds })
    else io.out(`wrote ${n.toLocaleString('en-US')} rows to ${path} in ${seconds}s`)
    return 0
  })
}

async function lineShow(args: ParsedArgs, io: CliIo): Promise<number> {
  const ref = args.positionals.join(' ').trim()
  if (!ref) throw new AppError('BAD_INPUT', 'line show needs an MSISDN (any US format) or a line id')
  return withWorkspace(args, async (ws) => {
    const d = await call(() => createCaller(createApi(ws)).lines.detail({ ref }))
    if (args.flags.json) {
      io.json(d)
      return 0
    }
    const l = d.line
    const a = d.account
    const out: string[] = []
    out.push(`${formatUs(l.msisdn)}  ${l.status.toUpperCase()}  line ${l.id}  ICCID ${l.iccid}  IMEI ${l.imei}`)
    out.push(`plan ${d.plan.name} (${d.plan.code}, ${money(d.plan.monthlyCents)}/mo)${d.addons.length ? `  add-ons ${d.addons.map((x) => x.code).join(', ')}` : ''}`)
    out.push(`activated ${l.activatedAt ?? '—'}${l.disconnectedAt ? `  disconnected ${l.disconnectedAt}` : ''}  cycle day ${l.cycleDay}  tags ${l.tags || '—'}`)
    out.push(`account ${a.id} ${a.name} <${a.email}> ${a.type}, ${a.city}, ${a.state} ${a.zip}`)
    out.push(`  wallet ${money(a.walletCents)}  past due ${money(a.pastDueCents)} (${a.daysPastDue} d)  failed payments ${a.failedPayments}  other lines ${d.otherLinesTotal}`)
    const u = d.usage
    const last7 = u.daily.slice(-7).map((x) => x.mb)
    out.push(`usage since ${u.cycleStart}: ${gb(u.usedMb)} of ${gb(u.bucketMb)}${u.topupMb ? ` + ${gb(u.topupMb)} top-ups` : ''}${u.remainingMb != null ? `, ${gb(u.remainingMb)} left` : ''}; last 7 days MB ${last7.join(' ')}`)
    if (d.invoices.length) {
      out.push('invoices:')
      for (const inv of d.invoices.slice(0, 6)) out.push(`  ${inv.period}  ${money(inv.totalCents).padStart(10)}  ${inv.status}${inv.paidAt ? ` ${inv.paidAt.slice(0, 10)}` : ''}`)
    }
    if (d.payments.length) {
      out.push('payments:')
      for (const p of d.payments.slice(0, 6)) out.push(`  ${p.createdAt.slice(0, 10)}  ${money(p.amountCents).padStart(10)}  ${p.status}${p.failureCode ? ` ${p.failureCode} ${p.failureMessage ?? ''}` : ''}`)
    }
    if (d.events.length) {
      out.push('history:')
      for (const e of d.events.slice(0, 8)) out.push(`  ${e.at.slice(0, 10)}  ${e.kind}${e.detail ? ` ${e.detail}` : ''}${e.reason ? ` (${e.reason})` : ''}`)
    }
    if (d.care.length) out.push(`care: ${d.care.length} interactions, latest ${d.care[0].createdAt.slice(0, 10)} ${d.care[0].category}: ${d.care[0].summary}`)
    if (d.operations.length) out.push(`operations: ${d.operations.map((o) => `${o.action} ${o.status}`).slice(0, 5).join('; ')}`)
    io.out(out.join('\n'))
    return 0
  })
}

async function searchCmd(args: ParsedArgs, io: CliIo): Promise<number> {
  const text = args.positionals.join(' ')
  const limit = flagNumber(args, 'limit', 10)
  return withWorkspace(args, async (ws) => {
    const hits = await call(() => createCaller(createApi(ws)).lines.search({ text, limit }))
    if (args.flags.json) {
      io.json(hits)
      return 0
    }
    if (hits.length === 0) {
      io.out(`nothing starts with "${text}" (MSISDN, ICCID, account id, name or e-mail)`)
      return 0
    }
    io.out(
      table(
        hits.map((h) => ({ ...h, phone: h.msisdn ? formatUs(h.msisdn) : '' })),
        [
          ['matched', 'MATCH'],
          ['phone', 'MSISDN'],
          ['iccid', 'ICCID'],
          ['accountId', 'ACCOUNT'],
          ['name', 'NAME', 28],
          ['email', 'EMAIL', 32],
          ['status', 'STATUS'],
        ],
      ),
    )
    return 0
  })
}

const filterUsage = "[--filter 'col<op>value']… [--sort col:asc,col2:desc] [--search text]"

register({
  path: ['lines', 'list'],
  summary: 'The subscriber grid: filters, sorts, quick search, paging',
  usage: `lines list ${filterUsage} [--offset N] [--limit N] [--db PATH] [--json]`,
  run: linesList,
})

register({
  path: ['lines', 'export'],
  summary: 'Streams the whole filtered, sorted view to a CSV file',
  usage: `lines export --out FILE.csv ${filterUsage} [--db PATH] [--json]`,
  run: linesExport,
})

register({
  path: ['line', 'show'],
  summary: 'Line detail: account, plan, usage, invoices, payments, history',
  usage: 'line show <msisdn|line id> [--db PATH] [--json]',
  run: lineShow,
})

register({
  path: ['search'],
  summary: 'Prefix search over MSISDN, ICCID, account id, name and e-mail (the palette)',
  usage: 'search <text> [--limit N] [--db PATH] [--json]',
  run: searchCmd,
})
