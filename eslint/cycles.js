// Import cycles counting every edge: `import type`, re-exports and dynamic import() too. import-x/no-cycle (in the
// ESLint config) skips type-only imports, and two of the cycles issue 10 broke were type-only; this check is the other
// half of `npm run lint`. It reads the files with TypeScript's own import scanner and reports each strongly connected
// set of files. `node eslint/cycles.js [dir…]` exits 1 when it finds one.
import fs from 'node:fs'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import ts from 'typescript'
import { resolveRelative } from './rules/rooms.js'

const EXTS = ['.ts', '.tsx']

function listFiles(dir) {
  if (!fs.existsSync(dir)) return []
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = path.join(dir, d.name)
    if (d.isDirectory()) return d.name === 'node_modules' ? [] : listFiles(p)
    return EXTS.includes(path.extname(d.name)) && !d.name.endsWith('.d.ts') ? [p] : []
  })
}

/** The import graph of the TypeScript files under `dirs`: file -> files it imports (relative specifiers only). */
export function importGraph(dirs) {
  const graph = new Map()
  for (const file of dirs.map((d) => path.resolve(d)).flatMap(listFiles)) {
    const { importedFiles } = ts.preProcessFile(fs.readFileSync(file, 'utf8'), true, true)
    const to = new Set()
    for (const { fileName } of importedFiles) {
      // a target outside the scanned files (a package, a .js file) is no node of the graph: findCycles passes it by
      const target = resolveRelative(file, fileName)
      if (target) to.add(target)
    }
    graph.set(file, [...to])
  }
  return graph
}

/** Every cycle as a strongly connected set of two or more files (or one file importing itself), Tarjan's algorithm. */
export function findCycles(graph) {
  let index = 0
  const idx = new Map()
  const low = new Map()
  const stack = []
  const on = new Set()
  const out = []
  const visit = (v) => {
    idx.set(v, index)
    low.set(v, index++)
    stack.push(v)
    on.add(v)
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) {
        if (graph.has(w)) visit(w)
        else continue
        low.set(v, Math.min(low.get(v), low.get(w)))
      } else if (on.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)))
    }
    if (low.get(v) === idx.get(v)) {
      const scc = []
      let w
      do {
        w = stack.pop()
        on.delete(w)
        scc.push(w)
      } while (w !== v)
      if (scc.length > 1 || (graph.get(v) ?? []).includes(v)) out.push(scc.sort())
    }
  }
  for (const v of graph.keys()) if (!idx.has(v)) visit(v)
  return out
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const dirs = process.argv.length > 2 ? process.argv.slice(2) : ['src', 'bench', 'e2e', 'db']
  const cycles = findCycles(importGraph(dirs))
  for (const c of cycles) console.error(`import cycle (type-only imports included): ${c.map((f) => path.relative(process.cwd(), f)).join(' <-> ')}`)
  if (cycles.length > 0) process.exit(1)
}
