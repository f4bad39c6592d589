// Types of cycles.js for eslint/layering.test.ts (the lint's modules are plain JavaScript).
export declare function importGraph(dirs: string[]): Map<string, string[]>
export declare function findCycles(graph: Map<string, string[]>): string[][]
