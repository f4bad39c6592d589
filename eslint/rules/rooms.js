// Where a file is: its room (the top folder that says where it runs) and, inside a room split into domains, its domain.
// Shared by the layering and front-door rules, so both read the tree the same way.
import fs from 'node:fs'
import path from 'node:path'

export const ROOMS = {
  main: 'src/main',
  preload: 'src/preload',
  renderer: 'src/renderer',
  shared: 'src/shared',
  core: 'src/core',
  cli: 'src/cli',
  web: 'src/web',
  central: 'src/central',
  adapters: 'src/adapters',
  db: 'db',
  bench: 'bench',
  e2e: 'e2e',
  eslint: 'eslint',
}

/** Rooms whose first sub-folder is a domain with a front door (`<room>/<domain>/index.ts`). */
export const DOMAIN_ROOMS = new Set(['core', 'adapters'])

export function roomOf(rel) {
  const p = rel.split(path.sep).join('/')
  for (const [name, dir] of Object.entries(ROOMS)) {
    if (p === dir || p.startsWith(`${dir}/`)) {
      const rest = p.slice(dir.length + 1).split('/')
      const domain = DOMAIN_ROOMS.has(name) && rest.length > 1 ? rest[0] : null
      return { room: name, domain, inRoom: rest.join('/') }
    }
  }
  return null
}

const EXTS = ['.ts', '.tsx', '.js', '.mjs', '/index.ts', '/index.tsx']

/** The file a relative import names (with TypeScript's extension rules), or null when it is not a file of ours. */
export function resolveRelative(fromFile, spec) {
  if (!spec.startsWith('.')) return null
  const base = path.resolve(path.dirname(fromFile), spec)
  if (fs.existsSync(base) && fs.statSync(base).isFile()) return base
  for (const e of EXTS) if (fs.existsSync(base + e)) return base + e
  // an import of a file that does not exist (yet): judge it by the path it names
  return `${base}.ts`
}

/** Every import-like node of a file: import/export-from declarations, dynamic import() and `new URL('./x', import.meta.url)`. */
export function importVisitors(check) {
  const lit = (node, source, typeOnly) => {
    if (source && source.type === 'Literal' && typeof source.value === 'string') check(node, source.value, typeOnly)
  }
  return {
    ImportDeclaration: (n) => lit(n, n.source, n.importKind === 'type' || (n.specifiers.length > 0 && n.specifiers.every((s) => s.importKind === 'type'))),
    ExportNamedDeclaration: (n) => n.source && lit(n, n.source, n.exportKind === 'type'),
    ExportAllDeclaration: (n) => lit(n, n.source, n.exportKind === 'type'),
    ImportExpression: (n) => lit(n, n.source, false),
  }
}
