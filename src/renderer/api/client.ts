// The renderer's only way to data: a typed tRPC client over Electron IPC (desktop) or loopback HTTP (web mode).
import { createTRPCClient, httpBatchLink, TRPCClientError, type TRPCLink } from '@trpc/client'
import { observable } from '@trpc/server/observable'
import type { AppRouter } from '../../shared/api'
import type { AppEvent } from '../../shared/events'
import { desktopBridge, type WingtelBridge } from './bridge'

const TOKEN_KEY = 'wingtel.token'

/** Web mode: the server prints a URL with ?token=…; keep it for this tab and take it out of the address bar. */
export function webToken(): string {
  const params = new URLSearchParams(window.location.search)
  const fromUrl = params.get('token')
  if (fromUrl) {
    sessionStorage.setItem(TOKEN_KEY, fromUrl)
    params.delete('token')
    const rest = params.toString()
    window.history.replaceState(null, '', `${window.location.pathname}${rest ? `?${rest}` : ''}${window.location.hash}`)
    return fromUrl
  }
  return sessionStorage.getItem(TOKEN_KEY) ?? ''
}

function ipcLink(bridge: WingtelBridge): TRPCLink<AppRouter> {
  return () =>
    ({ op }) =>
      observable((observer) => {
        if (op.type === 'subscription') {
          observer.error(TRPCClientError.from(new Error('subscriptions are not used; listen to app events')))
          return
        }
        bridge.invoke({ path: op.path, type: op.type, input: op.input }).then(
          (res) => {
            const r = res as { result?: { data: unknown }; error?: unknown }
            if (r.error) observer.error(TRPCClientError.from({ error: r.error } as never))
            else {
              observer.next({ result: { type: 'data', data: r.result?.data } })
              observer.complete()
            }
          },
          (err) => observer.error(TRPCClientError.from(err as Error)),
        )
      })
}

const bridge = desktopBridge()
export const mode: 'desktop' | 'web' = bridge ? 'desktop' : 'web'
const token = bridge ? '' : webToken()

export const api = createTRPCClient<AppRouter>({
  links: bridge
    ? [ipcLink(bridge)]
    : [httpBatchLink({ url: '/api/trpc', headers: () => ({ 'x-wingtel-token': token }), maxURLLength: 4000 })],
})

type Listener = (e: AppEvent) => void
const listeners = new Set<Listener>()
let connected = false

function connect(): void {
  if (connected) return
  connected = true
  const deliver = (e: AppEvent) => listeners.forEach((fn) => fn(e))
  if (bridge) {
    bridge.subscribe((e) => deliver(e as AppEvent))
  } else {
    const source = new EventSource(`/api/events?token=${encodeURIComponent(token)}`)
    source.onmessage = (m) => deliver(JSON.parse(m.data) as AppEvent)
  }
}

/** App events pushed by the core (progress, data changes, sync status, updates). */
export function onEvent(fn: Listener): () => void {
  connect()
  listeners.add(fn)
  return () => listeners.delete(fn)
}

/** Exports the filtered subscriber view as CSV: a save dialog in the desktop app, a streamed download in web mode. */
export async function exportLinesCsv(query: unknown): Promise<void> {
  if (bridge) {
    await bridge.exportLinesCsv(query)
    return
  }
  const a = document.createElement('a')
  a.href = `/api/export/lines.csv?token=${encodeURIComponent(token)}&q=${encodeURIComponent(JSON.stringify(query))}`
  a.download = 'subscribers.csv'
  document.body.appendChild(a)
  a.click()
  a.remove()
}

/** Saves a generated file (report exports arrive as base64). */
export async function saveFile(name: string, base64: string, mime: string): Promise<void> {
  if (bridge) {
    await bridge.saveFile(name, base64)
    return
  }
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))
  const url = URL.createObjectURL(new Blob([bytes], { type: mime }))
  const a = document.createElement('a')
  a.href = url
  a.download = name
  document.body.appendChild(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}

/** The error message a person should read, from whatever the API threw. */
export function errorMessage(e: unknown): string {
  if (e instanceof TRPCClientError) return e.message
  if (e instanceof Error) return e.message
  return String(e)
}

/** The AppErrorCode of an API error, when there is one. */
export function errorCode(e: unknown): string | null {
  if (e instanceof TRPCClientError) return ((e.data as { appCode?: string } | undefined)?.appCode ?? null) as string | null
  return null
}
