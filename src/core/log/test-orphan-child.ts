// Test support (log.test.ts): a child process that goes on logging after its parent has let it go, as a SQL or
// dashboards child may in the moment its parent kills it. It must neither crash nor hang: it says so and exits 0.
import { childLogger } from './forward'

const log = childLogger('orphan')
process.on('disconnect', () => {
  log.info('still here after the parent left')
  setImmediate(() => {
    process.stdout.write('survived\n')
    process.exit(0)
  })
})
process.send?.('ready')
