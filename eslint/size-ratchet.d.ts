// Types of size-ratchet.js for eslint/layering.test.ts (the lint config's modules are plain JavaScript).
export declare const MAX_FILE_LINES: number
export declare const MAX_FUNCTION_LINES: number
export declare const OVERSIZED_FILES: string[]
export declare const OVERSIZED_FUNCTIONS: string[]
export declare const sizeRules: import('eslint').Linter.RulesRecord
