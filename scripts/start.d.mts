// Types of start.mjs for its test.
export declare function desktopBlocker(o: {
  platform: string
  env: Record<string, string | undefined>
  hasBinary: () => boolean
  install: () => boolean
}): string | null
