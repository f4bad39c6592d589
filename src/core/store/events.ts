import type { AppEvent } from '../../shared/events'
import { domainLogger } from '../log'

const log = domainLogger('store')

type Listener = (e: AppEvent) => void

/** The core's event bus; transports forward it to the UI (IPC send / Server-Sent Events). */
export class EventBus {
  private listeners = new Set<Listener>()

  on(fn: Listener): () => void {
    this.listeners.add(fn)
    return () => this.listeners.delete(fn)
  }

  emit(e: AppEvent): void {
    for (const fn of this.listeners) {
      try {
        fn(e)
      } catch (err) {
        log().error({ err, event: e.type }, 'event listener failed')
      }
    }
  }
}
