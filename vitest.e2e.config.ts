import { defineConfig } from 'vitest/config'

// End-to-end tests: web mode in Debian Chromium driven by playwright-core (and _electron where a binary exists).
export default defineConfig({
  test: {
    environment: 'node',
    include: ['e2e/**/*.e2e.ts'],
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 180_000,
    reporters: ['default', './vitest.skip-reporter.ts'],
  },
})
