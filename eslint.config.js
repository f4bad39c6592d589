// Folder = layer, checked here (after VS Code's code-layering rule and Signal's file-suffix rule):
// - src/shared imports nothing of ours outside src/shared, and no Node/Electron/database library;
// - src/renderer never imports src/main, db/ or Node/Electron;
// - the core (src/main, except the desktop shell in src/main/index.ts and src/main/electron/) never imports electron;
// - src/preload imports only electron.
import js from '@eslint/js'
import globals from 'globals'
import tseslint from 'typescript-eslint'

const nodeOnly = ['node:*', 'fs', 'path', 'os', 'child_process', 'worker_threads', 'better-sqlite3', 'drizzle-orm', 'drizzle-orm/*', 'pg', '@electric-sql/*', 'exceljs', 'pdfkit', 'openai', '@supabase/*']

const layer = (groups, message) => ['error', { patterns: groups.map((g) => ({ group: g.group, message: g.message ?? message })) }]

export default tseslint.config(
  { ignores: ['node_modules/', 'out/', 'dist-web/', 'release/', 'test-results/', 'bench-data/', 'coverage/', 'scratch/', 'db/local/migrations/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'warn',
      'no-empty': ['error', { allowEmptyCatch: true }],
    },
  },
  {
    files: ['src/shared/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': layer(
        [
          { group: ['**/main/**', '**/main', '**/renderer/**', '**/preload/**', '**/db/**'], message: 'src/shared is the contract: it imports nothing of ours outside src/shared.' },
          { group: ['electron', ...nodeOnly], message: 'src/shared runs everywhere (renderer included): no Node, Electron or database libraries.' },
        ],
        '',
      ),
    },
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': layer(
        [
          { group: ['**/main/**', '**/main', '**/db/**', '**/preload/**'], message: 'The renderer reaches data only through the typed API (src/renderer/api), never src/main or db/.' },
          { group: ['electron', ...nodeOnly], message: 'The renderer is a sandboxed web page: no Node or Electron imports.' },
        ],
        '',
      ),
    },
  },
  {
    files: ['src/main/**/*.ts'],
    ignores: ['src/main/index.ts', 'src/main/electron/**'],
    rules: {
      'no-restricted-imports': layer(
        [
          { group: ['electron', 'electron-updater', 'electron/*'], message: 'The core runs without Electron (CLI, web mode, tests): only src/main/index.ts and src/main/electron/ may import it.' },
          { group: ['**/renderer/**', '**/preload/**'], message: 'The core never imports the renderer or the preload.' },
        ],
        '',
      ),
    },
  },
  {
    files: ['src/preload/**/*.ts'],
    rules: {
      'no-restricted-imports': layer([{ group: ['**/main/**', '**/renderer/**', '**/db/**', ...nodeOnly], message: 'The preload is the narrow bridge: electron only.' }], ''),
    },
  },
)
