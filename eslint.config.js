// Folder = layer, checked here (after VS Code's code-layering rule and Signal's file-suffix rule). The rooms say where
// code runs (docs/ENGINEERING.md has the runtime map):
// - src/main is the Electron main process, and the only room that imports electron (with the preload);
// - src/core (the workstation core) never imports src/main, src/cli, src/web, the renderer or the preload;
// - src/cli and src/web are the headless front ends over the core;
// - src/central runs beside the central database: of the core it may use only the demo generator;
// - src/adapters (provider adapters) never import the core, central or a front end;
// - src/shared imports nothing of ours outside src/shared, and no Node/Electron/database library;
// - src/renderer imports only types from src/shared (plus the plain values of src/shared/domain), never Node;
// - src/preload imports only electron.
// A domain (src/core/<domain>, src/adapters/<kind>) is entered only through its index.ts (wingtel/front-door), and no
// import cycle is allowed (import-x/no-cycle here; eslint/cycles.js, run by `npm run lint` after ESLint, counts the
// type-only and dynamic imports that no-cycle skips). All of them have tests in eslint/layering.test.ts.
import js from '@eslint/js'
import globals from 'globals'
import importX from 'eslint-plugin-import-x'
import tseslint from 'typescript-eslint'
import frontDoor from './eslint/rules/front-door.js'
import layers from './eslint/rules/layers.js'
import { OVERSIZED_FILES, OVERSIZED_FUNCTIONS, sizeRules } from './eslint/size-ratchet.js'

const nodeOnly = ['node:*', 'fs', 'path', 'os', 'child_process', 'worker_threads', 'better-sqlite3', 'drizzle-orm', 'drizzle-orm/*', 'pg', '@electric-sql/*', 'exceljs', 'pdfkit', 'openai', '@supabase/*']
const electron = ['electron', 'electron-updater', 'electron/*']

const packages = (groups) => ['error', { patterns: groups }]

// Who may import whom (by room, or room/domain). Anything else is reported with the room's reason.
const LAYERS = {
  allow: {
    main: ['main', 'core', 'shared'],
    preload: ['preload'],
    renderer: ['renderer', 'shared'],
    shared: ['shared'],
    core: ['core', 'shared', 'db', 'central', 'adapters'],
    cli: ['cli', 'core', 'central', 'shared', 'db'],
    web: ['web', 'core', 'cli', 'shared'],
    central: ['central', 'core/demo', 'shared', 'adapters', 'db'],
    adapters: ['adapters', 'shared'],
    db: ['db', 'shared'],
  },
  valuesOnlyFrom: { renderer: { shared: ['domain'] } },
  why: {
    main: 'src/main is only the Electron shell; it reaches the rest through the core.',
    preload: 'the preload is the narrow bridge: electron only.',
    renderer: 'the renderer reaches data only through the typed API (src/renderer/api), and takes only types from src/shared (values from src/shared/domain).',
    shared: 'src/shared is the contract: it imports nothing of ours outside src/shared.',
    core: 'the core runs headless everywhere: it never imports the Electron shell, its front ends (src/cli, src/web), the renderer or the preload.',
    cli: 'the CLI is a front end over the core.',
    web: 'web mode is a front end over the core.',
    central: 'src/central runs beside the central database, not on a workstation: of the core it may use only the demo generator (src/core/demo).',
    adapters: 'provider adapters never import the core, central or a front end: those import them.',
    db: 'the schemas import nothing but src/shared.',
  },
}

export default tseslint.config(
  { ignores: ['node_modules/', 'out/', 'dist-web/', 'release/', 'test-results/', 'bench-data/', 'coverage/', 'scratch/', 'db/local/migrations/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    plugins: { wingtel: { rules: { layers, 'front-door': frontDoor } }, 'import-x': importX },
    settings: {
      'import-x/resolver-next': [importX.createNodeResolver({ extensions: ['.ts', '.tsx', '.js', '.mjs', '.json'] })],
      'import-x/extensions': ['.ts', '.tsx', '.js', '.mjs'],
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'warn',
      'no-empty': ['error', { allowEmptyCatch: true }],
      'wingtel/layers': ['error', LAYERS],
      'wingtel/front-door': ['error', { exempt: ['bench/', 'e2e/'] }],
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
    },
  },
  { files: ['**/*.{ts,tsx}'], rules: sizeRules },
  ...(OVERSIZED_FILES.length ? [{ files: OVERSIZED_FILES, rules: { 'max-lines': 'off' } }] : []),
  { files: OVERSIZED_FUNCTIONS, rules: { 'max-lines-per-function': 'off' } },
  {
    files: ['src/shared/**/*.{ts,tsx}'],
    rules: { 'no-restricted-imports': packages([{ group: ['electron', ...nodeOnly], message: 'src/shared runs everywhere (renderer included): no Node, Electron or database libraries.' }]) },
  },
  {
    // the renderer's only value imports from src/shared: they must bring no library (zod, tRPC) into the page
    files: ['src/shared/domain/**/*.ts'],
    rules: { 'no-restricted-imports': packages([{ group: ['*', '!.', '!./*', '!../domain/*'], message: 'src/shared/domain holds plain values the renderer imports: no library (zod schemas belong in src/shared/api).' }]) },
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: { 'no-restricted-imports': packages([{ group: ['electron', ...nodeOnly], message: 'The renderer is a sandboxed web page: no Node or Electron imports.' }]) },
  },
  {
    files: ['src/core/**/*.ts', 'src/cli/**/*.ts', 'src/web/**/*.ts', 'src/central/**/*.ts', 'src/adapters/**/*.ts'],
    rules: { 'no-restricted-imports': packages([{ group: electron, message: 'Only src/main (the Electron main process) imports electron: the core, the CLI, web mode, central and the adapters run without it.' }]) },
  },
  {
    // issue 11: every SQLite file of the workspace is opened by openSqlite (store/open.ts), which creates it 0600 and
    // applies the store key; a `new Database(...)` elsewhere in the core would open it without either
    files: ['src/core/**/*.ts'],
    ignores: ['src/core/store/open.ts', 'src/core/store/encrypt.ts', '**/*.test.ts', '**/testing.ts', '**/test-*.ts'],
    rules: { 'no-restricted-syntax': ['error', { selector: "NewExpression[callee.name='Database']", message: 'Open SQLite files with openSqlite / openDatabase (src/core/store): they apply the store key and create the file 0600.' }] },
  },
  {
    files: ['src/preload/**/*.ts'],
    rules: { 'no-restricted-imports': packages([{ group: nodeOnly, message: 'The preload is the narrow bridge: electron only.' }]) },
  },
)
