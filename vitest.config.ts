import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    environment: 'node',
    include: ['src/**/*.test.ts', 'db/**/*.test.ts', 'bench/**/*.test.ts', 'eslint/**/*.test.ts', '*.test.ts', '.ci/**/*.test.ts'],
    exclude: ['node_modules', 'out', 'e2e'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default', './vitest.skip-reporter.ts'],
  },
})
