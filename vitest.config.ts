import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    environment: 'node',
    // the front ends encrypt the workspace by default (WINGTEL_DB_ENCRYPTION, docs/CONFIG.md); the CLI and servers the
    // tests spawn keep theirs in the clear, so that the tests can open them as they are (encryption has its own tests)
    env: { WINGTEL_DB_ENCRYPTION: 'off' },
    include: ['src/**/*.test.ts', 'db/**/*.test.ts', 'bench/**/*.test.ts', 'eslint/**/*.test.ts', 'scripts/**/*.test.ts', '*.test.ts', '.ci/**/*.test.ts'],
    exclude: ['node_modules', 'out', 'e2e'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default', './vitest.skip-reporter.ts'],
    // measured by `npm run test:unit` (--coverage); a plain `vitest run` of a few files stays fast
    coverage: {
      provider: 'v8',
      // a fixed set of files, so that the figure is over all the code and not only the files some test loaded; code
      // that runs in worker threads and child processes is not seen by v8 here and counts as uncovered
      include: ['src/**/*.{ts,tsx}'],
      exclude: ['src/**/*.test.ts', 'src/**/*.d.ts'],
      reporter: ['text-summary', 'json-summary'],
      reportsDirectory: 'coverage',
      // The floor. It may only rise: raise it when coverage does, never lower it to let a change through. The whole unit
      // suite measured 76.7 / 66.9 / 69.7 / 78.9 % (statements / branches / functions / lines) on the real PostgreSQL
      // (CI) and 74.1 / 65.5 / 67.0 / 76.3 % on the PGlite fallback, which skips the direct-Postgres paths; each floor
      // sits about a point below its run's figures (timing-dependent retry paths move a few lines).
      thresholds: process.env.TEST_DATABASE_URL
        ? { statements: 75.5, branches: 65.5, functions: 68.5, lines: 77.5 }
        : { statements: 73, branches: 64.5, functions: 66, lines: 75 },
    },
  },
})
