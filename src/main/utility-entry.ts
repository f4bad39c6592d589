// The first script of every utility process the core starts in the desktop app (src/main/electron/utility-launcher.ts):
// it gives the process the process.send / 'message' channel the core's child entries speak, then loads the entry.
import { pathToFileURL } from 'node:url'
import { installParentPortShim, utilityTarget } from './electron/utility-shim'

installParentPortShim(process as unknown as Parameters<typeof installParentPortShim>[0])
import(pathToFileURL(utilityTarget(process.argv)).href).catch((e: unknown) => {
  console.error('utility-entry: the entry failed to load', e)
  process.exit(1)
})
