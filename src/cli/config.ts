// The CLI's configuration: the core's one config (src/core/app/config.ts, docs/CONFIG.md), read from the environment
// once per run, the first time a command asks.
import { loadConfig, type CoreConfig } from '../core/app'

let config: CoreConfig | null = null

export function cliConfig(): CoreConfig {
  config ??= loadConfig(process.env)
  return config
}
