// What starts something owns it and ends it (after VS Code's DisposableStore): every service, worker, child process or
// file the composition root starts is added here as it starts, and `dispose()` ends them all in reverse order, each
// once. One that fails to stop is logged and the others still stop.
import type { Logger } from '../log'

export interface Disposable {
  dispose(): void | Promise<void>
}

export class DisposableStore implements Disposable {
  private readonly items: Array<{ name: string; dispose: () => void | Promise<void> }> = []
  private disposing: Promise<void> | null = null

  constructor(private readonly log?: () => Logger) {}

  /** Registers what was just started; `dispose` ends it. Returns it, so a start reads `const x = store.add(...)`. */
  add<T extends Disposable>(name: string, item: T): T
  add(name: string, dispose: () => void | Promise<void>): void
  add<T extends Disposable>(name: string, item: T | (() => void | Promise<void>)): T | void {
    if (this.disposing) throw new Error(`cannot add ${name}: this store is already disposed`)
    this.items.push({ name, dispose: typeof item === 'function' ? item : () => item.dispose() })
    if (typeof item !== 'function') return item
  }

  /** Ends everything added, last first; a second call waits for the first. */
  dispose(): Promise<void> {
    this.disposing ??= (async () => {
      for (const it of this.items.reverse()) {
        try {
          await it.dispose()
        } catch (err) {
          this.log?.().error({ err, service: it.name }, 'a service failed to stop')
        }
      }
    })()
    return this.disposing
  }
}
