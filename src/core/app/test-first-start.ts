// A first start in a process of its own, for the tests that kill it mid-build (demo/kill-build.test.ts): starts the
// core on a workspace file with a demo size and prints every app event as a JSON line on stdout.
// node --import tsx src/core/app/test-first-start.ts <workspace> <lines>
import { startCore } from './start'

const [dbPath, lines] = process.argv.slice(2)
const core = await startCore({ dbPath, demo: { lines: Number(lines), months: 3, seed: 4 }, log: { level: 'silent', file: null, slowQueryMs: 1000 } })
core.ws.events.on((e) => process.stdout.write(`${JSON.stringify(e)}\n`))
await core.ready
await core.stop()
