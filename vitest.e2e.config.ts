import { defineConfig } from 'vitest/config'

// End-to-end tests: web mode in Debian Chromium driven by playwright-core (and _electron where a binary exists).
export default defineConfig({
  test: {
    environment: 'node',
    // the front ends encrypt the workspace by default (WINGTEL_DB_ENCRYPTION, docs/CONFIG.md); the CLI and servers the
    // tests spawn keep theirs in the clear, so that the tests can open them as they are (encryption has its own tests)
    env: { WINGTEL_DB_ENCRYPTION: 'off' },
    include: ['e2e/**/*.e2e.ts'],
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 180_000,
    reporters: ['default', './vitest.skip-reporter.ts'],
  },
})
