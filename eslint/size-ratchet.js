// Size ratchets (after VS Code's rules with a shrinking ignore list): a file over 500 lines or a function over 120 is
// usually two ideas. These files still break a limit. The lists may only shrink: eslint/layering.test.ts fails on an
// entry that no longer breaks its limit, so a fixed file leaves the list; adding one is a reviewed change.
export const MAX_FILE_LINES = 500
export const MAX_FUNCTION_LINES = 120

export const OVERSIZED_FILES = []

export const OVERSIZED_FUNCTIONS = [
  'bench/sync.ts',
  'src/central/pull.test.ts',
  'src/central/push.test.ts',
  'src/core/demo/generate.test.ts',
  'src/core/sync/bootstrap/bootstrap.test.ts',
  'src/renderer/screens/console/PreviewPanel.tsx',
  'src/renderer/screens/console/ScopeChooser.tsx',
  'src/renderer/screens/console/index.tsx',
  'src/renderer/screens/history/index.tsx',
  'src/renderer/screens/reports/Builder.tsx',
  'src/shared/command/canonical.test.ts',
  'src/shared/command/local-lexicon.ts',
]

export const sizeRules = {
  'max-lines': ['error', { max: MAX_FILE_LINES, skipBlankLines: true, skipComments: true }],
  'max-lines-per-function': ['error', { max: MAX_FUNCTION_LINES, skipBlankLines: true, skipComments: true, IIFEs: true }],
}
