// Test support: makes a Node child look like an Electron utility process before its first script runs (loaded with
// --import by utility-launcher.test.ts). Electron gives a utility process a process.parentPort and no process.send;
// here the port is built on the Node IPC channel, and process.send is removed, so utility-shim.ts has to do its job.
const send = process.send.bind(process)
const listeners = []
const emit = process.emit.bind(process)
let delivering = false
// IPC messages go to the port's listeners, as Electron delivers them ({ data }); what the shim re-emits (while
// delivering) reaches the process's own 'message' listeners
process.emit = function (event, ...args) {
  if (event !== 'message' || delivering) return emit(event, ...args)
  delivering = true
  try {
    for (const listener of listeners) listener({ data: args[0] })
  } finally {
    delivering = false
  }
  return true
}
process.parentPort = {
  on(event, listener) {
    if (event === 'message') listeners.push(listener)
    return this
  },
  postMessage(message) {
    send(message)
  },
}
delete process.send
