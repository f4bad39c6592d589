// The narrow bridge: invoke one API procedure, subscribe to app events, and two desktop-only actions. Nothing else of
// Electron or Node reaches the page.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'

const bridge = {
  invoke: (req: { path: string; type: 'query' | 'mutation'; input?: unknown }): Promise<unknown> => ipcRenderer.invoke('wingtel:invoke', req),
  subscribe: (fn: (event: unknown) => void): (() => void) => {
    const listener = (_e: IpcRendererEvent, payload: unknown) => fn(payload)
    ipcRenderer.on('wingtel:event', listener)
    return () => ipcRenderer.removeListener('wingtel:event', listener)
  },
  exportLinesCsv: (query: unknown): Promise<{ rows: number; path: string } | null> => ipcRenderer.invoke('wingtel:export-lines-csv', query),
  saveFile: (name: string, base64: string): Promise<string | null> => ipcRenderer.invoke('wingtel:save-file', { name, base64 }),
  restartToUpdate: (): Promise<void> => ipcRenderer.invoke('wingtel:restart-to-update'),
}

export type WingtelBridge = typeof bridge

contextBridge.exposeInMainWorld('wingtel', bridge)
