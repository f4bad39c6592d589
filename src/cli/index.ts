// `npm run -s cli -- <command> [--json]`: the headless face of the same core the app uses.
import type { CliIo } from './registry'
import { isAppError } from '../shared/api/errors'
import { headlessKeyProvider, setStoreKey } from '../core/store'
import { cliConfig } from './config'
import { runCli } from './run'
import { exitWhenFlushed } from './exit'

const io: CliIo = {
  out: (t) => process.stdout.write(t.endsWith('\n') ? t : `${t}\n`),
  err: (t) => process.stderr.write(t.endsWith('\n') ? t : `${t}\n`),
  json: (v) => process.stdout.write(`${JSON.stringify(v, null, 2)}\n`),
}

// The workspace key of this run (WINGTEL_DB_PASSPHRASE, or the key file in WINGTEL_HOME; none with
// WINGTEL_DB_ENCRYPTION=off), before any command opens a store. Tests run runCli in process on stores they open as is.
function applyStoreKey(): void {
  const config = cliConfig()
  const keys = headlessKeyProvider(config.storeKey)
  setStoreKey(keys ? keys.keyFor(config.dbPath) : null)
}

Promise.resolve()
  .then(() => {
    applyStoreKey()
    return runCli(process.argv.slice(2), io)
  })
  .then(
    (code) => exitWhenFlushed(code),
    (e) => {
      // a key problem is the user's to fix: its message, no stack
      if (isAppError(e)) process.stderr.write(`error: ${e.message}\n`)
      else console.error(e)
      exitWhenFlushed(1)
    },
  )
