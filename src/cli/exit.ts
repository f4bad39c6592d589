// Ending the CLI without losing output. On a pipe, stdout is asynchronous: what the pipe has not taken yet waits in the
// stream's buffer, and process.exit() drops it (a 550 KB `--json` answer came out cut at 64 KiB, the pipe's size). So
// the exit waits until stdout and stderr have handed everything over. A reader that went away (`| head`) is not an
// error of the command: the rest of the output has nowhere to go.

type Out = Pick<NodeJS.WriteStream, 'writableLength' | 'write' | 'destroyed' | 'on'>

/** Resolves when everything written to `stream` so far has been handed to the OS (or the reader has gone). */
export function flushed(stream: Out): Promise<void> {
  return new Promise((done) => {
    if (stream.destroyed || stream.writableLength === 0) return done()
    // write callbacks run in order: this one runs after every byte written before it
    stream.write('', () => done())
  })
}

/** Sets the exit code, waits for stdout and stderr to drain, then exits (handles left open do not keep the CLI up). */
export function exitWhenFlushed(code: number, streams: Out[] = [process.stdout, process.stderr]): void {
  process.exitCode = code
  for (const s of streams) {
    // EPIPE: the reader closed the pipe; the exit code stays the command's
    s.on('error', () => undefined)
  }
  void Promise.all(streams.map(flushed)).then(() => process.exit(code))
}
