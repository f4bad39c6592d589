// Web mode: a loopback-only HTTP server for the built renderer and the same API, guarded by a random per-run token.
// Static files are public (they hold no data); every /api request needs the token (header, or `token` query parameter
// for EventSource and download links), a loopback Host header (against DNS rebinding) and, when present, a loopback
// Origin.
import { randomBytes, timingSafeEqual } from 'node:crypto'
import { createReadStream, existsSync, statSync } from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { extname, join, normalize, resolve, sep } from 'node:path'
import { createHTTPHandler } from '@trpc/server/adapters/standalone'
import { appRouter, type Api } from '../shared/api'
import { linesQuery } from '../shared/api/lines'
import type { AppEvent } from '../shared/events'
import type { EventBus } from '../core/store'
import { logApiError } from '../core/app'
import { addLogSecret, rootLogger, scrubSecrets, type Logger } from '../core/log'

export interface WebServerOptions {
  api: Api
  events: EventBus
  /** directory of the built renderer (dist-web) */
  staticDir: string
  port?: number
  token?: string
  /** streams the filtered subscriber view as CSV (src/core/lines/export-csv.ts) */
  exportLinesCsv?: (query: ReturnType<typeof linesQuery.parse>, out: NodeJS.WritableStream) => Promise<number>
  /** extra GET routes under /api/ (name → handler), for downloads owned by other domains */
  routes?: Record<string, (url: URL, res: http.ServerResponse) => Promise<void>>
  /** where failed requests are logged (default: the root logger's `web` child) */
  log?: Logger
  /** the largest request body accepted, in bytes (default 1 MiB; the core's `limits.maxBodyBytes`) */
  maxBodyBytes?: number
}

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024

export interface WebServer {
  url: string
  token: string
  port: number
  close(): Promise<void>
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.map': 'application/json',
}

const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]'])

function hostOk(header: string | undefined): boolean {
  if (!header) return false
  const host = header.startsWith('[') ? header.slice(0, header.indexOf(']') + 1) : header.split(':')[0]
  return LOOPBACK_HOSTS.has(host)
}

function originOk(origin: string | undefined): boolean {
  if (!origin) return true
  try {
    return LOOPBACK_HOSTS.has(new URL(origin).hostname) || new URL(origin).hostname === '[::1]'
  } catch {
    // an Origin that is not a URL is refused, and the 403 says so
    return false
  }
}

function tokenEquals(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

export async function startWebServer(opts: WebServerOptions): Promise<WebServer> {
  const token = opts.token ?? randomBytes(24).toString('base64url')
  const staticRoot = resolve(opts.staticDir)
  const log = opts.log ?? rootLogger().child({ domain: 'web' })
  const maxBody = opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES
  // the token is masked in every log line while the server lives, and in every error message it answers with
  const forgetToken = addLogSecret(token)
  // (a test's short token would mask ordinary words: only real tokens are masked, as addLogSecret does)
  const scrub = (text: string) => (token.length >= 8 ? scrubSecrets(text).split(token).join('***') : scrubSecrets(text))
  const trpc = createHTTPHandler({
    router: appRouter,
    basePath: '/api/trpc/',
    maxBodySize: maxBody,
    createContext: () => ({ api: opts.api, transport: 'http' as const }),
    onError: ({ error, path }) => {
      // called before the error is shaped into the response: the answer and the log both get the scrubbed message
      error.message = scrub(error.message)
      logApiError(log, error, { path, transport: 'http' })
    },
  })

  const sseClients = new Set<http.ServerResponse>()
  const off = opts.events.on((e: AppEvent) => {
    const frame = `data: ${JSON.stringify(e)}\n\n`
    for (const res of sseClients) res.write(frame)
  })

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    res.setHeader('X-Content-Type-Options', 'nosniff')
    res.setHeader('Referrer-Policy', 'no-referrer')
    if (!hostOk(req.headers.host) || !originOk(req.headers.origin)) {
      res.writeHead(403, { 'Content-Type': 'text/plain' }).end('Forbidden: loopback only')
      return
    }
    if (url.pathname.startsWith('/api/')) {
      const given = (req.headers['x-wingtel-token'] as string | undefined) ?? url.searchParams.get('token') ?? ''
      if (!tokenEquals(given, token)) {
        res.writeHead(401, { 'Content-Type': 'application/json' }).end(JSON.stringify({ error: 'missing or wrong token: open the URL printed by `npm run serve`' }))
        return
      }
      if (Number(req.headers['content-length'] ?? 0) > maxBody) {
        tooLarge(req, res, maxBody)
        return
      }
      if (url.pathname === '/api/events') {
        res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive' })
        res.write(': connected\n\n')
        sseClients.add(res)
        req.on('close', () => sseClients.delete(res))
        return
      }
      if (url.pathname === '/api/export/lines.csv' && opts.exportLinesCsv) {
        let query
        try {
          query = linesQuery.parse(JSON.parse(url.searchParams.get('q') ?? '{}'))
        } catch (e) {
          res.writeHead(400, { 'Content-Type': 'text/plain' }).end(`Bad export query: ${scrub((e as Error).message)}`)
          return
        }
        res.writeHead(200, { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': 'attachment; filename="subscribers.csv"' })
        opts.exportLinesCsv(query, res).then(
          () => res.end(),
          (e) => {
            log.error({ err: e, path: url.pathname }, 'export failed')
            res.destroy(e as Error)
          },
        )
        return
      }
      const route = opts.routes?.[url.pathname.slice('/api/'.length)]
      if (route) {
        route(url, res).catch((e) => {
          log.error({ err: e, path: url.pathname }, 'download failed')
          if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' })
          res.end(scrub(String((e as Error).message ?? e)))
        })
        return
      }
      if (url.pathname.startsWith('/api/trpc/')) {
        trpc(req, res)
        return
      }
      res.writeHead(404).end()
      return
    }
    serveStatic(staticRoot, url.pathname, res)
  })

  await new Promise<void>((ok, fail) => {
    server.once('error', fail)
    server.listen(opts.port ?? 0, '127.0.0.1', () => ok())
  })
  const port = (server.address() as AddressInfo).port
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    token,
    port,
    close: () =>
      new Promise<void>((ok) => {
        off()
        forgetToken()
        for (const r of sseClients) r.end()
        server.closeAllConnections()
        server.close(() => ok())
      }),
  }
}

/** 413 with a JSON error; the rest of the body is read and dropped, so the client sees the answer, not a reset. */
function tooLarge(req: http.IncomingMessage, res: http.ServerResponse, maxBody: number): void {
  const mib = (maxBody / (1024 * 1024)).toFixed(maxBody % (1024 * 1024) ? 2 : 0)
  res.writeHead(413, { 'Content-Type': 'application/json', Connection: 'close' })
  res.end(JSON.stringify({ error: `request body too large: the limit is ${mib} MiB (WINGTEL_MAX_BODY_BYTES)`, code: 'PAYLOAD_TOO_LARGE' }))
  req.resume()
}

function serveStatic(root: string, pathname: string, res: http.ServerResponse): void {
  let rel: string
  try {
    rel = normalize(decodeURIComponent(pathname)).replace(/^([/\\])+/, '')
  } catch {
    // a malformed percent-encoding is the client's error, answered with a 400
    res.writeHead(400).end()
    return
  }
  let file = join(root, rel)
  if (file !== root && !file.startsWith(root + sep)) {
    res.writeHead(403).end()
    return
  }
  if (!existsSync(file) || statSync(file).isDirectory()) file = join(root, 'index.html') // hash-routed SPA
  if (!existsSync(file)) {
    res.writeHead(404, { 'Content-Type': 'text/plain' }).end('The renderer is not built: run `npm run build:web`.')
    return
  }
  const headers: Record<string, string> = { 'Content-Type': MIME[extname(file)] ?? 'application/octet-stream' }
  if (file.endsWith('.html')) {
    headers['Content-Security-Policy'] = CSP
    headers['Cache-Control'] = 'no-store'
  }
  res.writeHead(200, headers)
  createReadStream(file).pipe(res)
}
