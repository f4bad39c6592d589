// `npm run -s cli -- <command> [--json]`: the headless face of the same core the app uses.
import type { CliIo } from './registry'
import { runCli } from './run'
import { exitWhenFlushed } from './exit'

const io: CliIo = {
  out: (t) => process.stdout.write(t.endsWith('\n') ? t : `${t}\n`),
  err: (t) => process.stderr.write(t.endsWith('\n') ? t : `${t}\n`),
  json: (v) => process.stdout.write(`${JSON.stringify(v, null, 2)}\n`),
}

runCli(process.argv.slice(2), io).then(
  (code) => exitWhenFlushed(code),
  (e) => {
    console.error(e)
    exitWhenFlushed(1)
  },
)
