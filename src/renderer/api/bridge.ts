// What the preload exposes as window.wingtel in the desktop app (absent in web mode).
export interface WingtelBridge {
  invoke(req: { path: string; type: 'query' | 'mutation'; input?: unknown }): Promise<unknown>
  subscribe(fn: (event: unknown) => void): () => void
  exportLinesCsv(query: unknown): Promise<{ rows: number; path: string } | null>
  saveFile(name: string, base64: string): Promise<string | null>
  restartToUpdate(): Promise<void>
}

declare global {
  interface Window {
    wingtel?: WingtelBridge
  }
}

export function desktopBridge(): WingtelBridge | null {
  return typeof window !== 'undefined' && window.wingtel ? window.wingtel : null
}
