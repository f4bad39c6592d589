// The core's composition root: startCore (one config, every service, one stop), the one Api and its in-process caller,
// and the transport-neutral dispatch that Electron IPC and web mode share.
export { createApi, createCaller } from './api'
export { logApiError } from './api-errors'
export { dispatch } from './dispatch'
export { DEFAULT_LIMITS, defaultConfig, FIRST_START_DEMO, loadConfig, withDefaults } from './config'
export type { CoreConfig, CoreInput, DemoSize, Limits } from './config'
export { startCore } from './start'
export type { Core } from './start'
