// `npm run serve`: web mode. Opens (or first builds) the workspace and serves the renderer and the API on loopback.
import { resolve } from 'node:path'
import { parseArgs, flagNumber, flagString } from '../cli/registry'
import { loadConfig, startCore } from '../core/app'
import { startWebServer } from './server'

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2))
  const config = loadConfig(process.env)
  const dbPath = resolve(flagString(args, 'db') ?? config.dbPath)
  const core = await startCore({ ...config, dbPath })
  const server = await startWebServer({
    api: core.api,
    events: core.ws.events,
    log: core.log.child({ domain: 'web' }),
    staticDir: resolve(flagString(args, 'static') ?? 'dist-web'),
    // web mode's own flags (docs/CONFIG.md), not the core's
    port: flagNumber(args, 'port', Number(process.env.WINGTEL_PORT ?? 0)),
    token: process.env.WINGTEL_TOKEN || undefined,
    exportLinesCsv: core.exportLinesCsv,
    routes: core.routes,
    maxBodyBytes: config.limits.maxBodyBytes,
  })
  process.stdout.write(`Wingtel Ops (web mode) on workspace ${dbPath}\nOpen: ${server.url}\n`)
  const stop = async () => {
    await server.close()
    await core.stop()
    process.exit(0)
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}

main().catch((e) => {
  console.error(`error: ${e instanceof Error ? e.message : String(e)}`)
  process.exit(1)
})
