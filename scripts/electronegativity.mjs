// The Electronegativity gate (issue 11, release hardening): `node scripts/electronegativity.mjs [--out report.csv]`.
// Electronegativity (@doyensec/electronegativity) finds Electron misconfigurations, but its CLI exits 0 whatever it
// finds and only prints the files it could not parse. So this runs its engine (dist/runner.js, what the CLI calls)
// and fails on:
// - any HIGH finding;
// - any MEDIUM finding not justified in security/electronegativity-justified.json (check id + file + why);
// - a justification that no longer matches a finding (the list may only shrink, like eslint/size-ratchet.js);
// - a file it could not parse (a file it did not check).
// It scans what ships and decides security: src/main and src/preload (TypeScript, which it parses), the renderer's
// index.html (the CSP) and package.json (Electron's version, flags in the npm scripts); tests and test helpers are left
// out. It runs offline: its two network calls (translations, Electron's release list) are answered "offline" at once,
// and the check that needs the release list (AVAILABLE_SECURITY_FIXES_GLOBAL_CHECK) is off: Electron's own advisories
// reach us through npm audit. scripts/electronegativity.test.ts runs this gate on the sources in `npm test`.
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const require = createRequire(import.meta.url)
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
export const JUSTIFIED_FILE = join(ROOT, 'security', 'electronegativity-justified.json')
/** What is scanned, relative to the repository: folders (their non-test sources) and single files. */
export const SCANNED = ['src/main', 'src/preload', 'src/renderer/index.html', 'package.json']
const OFFLINE_EXCLUDED = ['AvailableSecurityFixesGlobalCheck'] // by class name, as the engine takes it
const isTestFile = (name) => /\.test\.tsx?$/.test(name) || /^test-/.test(name) || name === 'testing.ts'

/** Every network call Electronegativity tried (it got "offline" at once). */
export const networkAttempts = []

function offlineGot() {
  const refuse = (url) => {
    networkAttempts.push(String(url))
    return Promise.reject(new Error('offline: the Electronegativity gate makes no network calls'))
  }
  const got = (url) => refuse(url)
  got.head = refuse
  got.get = refuse
  return got
}

let engine = null
/** Electronegativity's runner, loaded with its `got` (its only HTTP client) replaced by one that refuses at once. */
function loadEngine() {
  if (engine) return engine
  const Module = require('node:module')
  const load = Module._load
  const got = offlineGot()
  Module._load = function (request, parent, ...rest) {
    if (request === 'got' && parent?.filename?.includes(`${join('@doyensec', 'electronegativity')}`)) return got
    return load.call(this, request, parent, ...rest)
  }
  try {
    engine = require('@doyensec/electronegativity/dist/runner.js')
  } finally {
    Module._load = load
  }
  return engine
}

/** Copies what SCANNED names into a temporary folder, keeping the repository's relative paths. */
function stage(root, scanned) {
  const dir = mkdtempSync(join(tmpdir(), 'electronegativity-'))
  for (const entry of scanned) {
    cpSync(join(root, entry), join(dir, entry), {
      recursive: true,
      filter: (src) => !isTestFile(src.split(/[\\/]/).pop()),
    })
  }
  return dir
}

function electronVersion() {
  return JSON.parse(readFileSync(require.resolve('electron/package.json'), 'utf8')).version
}

/**
 * Runs Electronegativity over `scanned` (paths under `root`) and returns its findings, file paths relative to root,
 * and the files it could not parse. `out` (.csv or .sarif) also writes its own report there.
 */
export async function scan({ root = ROOT, scanned = SCANNED, out = null } = {}) {
  const run = loadEngine()
  const dir = stage(root, scanned)
  try {
    mkdirSync(dir, { recursive: true })
    const result = await run({
      input: dir,
      output: out ? resolve(out) : undefined,
      isSarif: out?.endsWith('.sarif') ?? false,
      customScan: [],
      excludeFromScan: OFFLINE_EXCLUDED,
      isRelative: true,
      electronVersionOverride: electronVersion(),
      parserPlugins: [],
    })
    const rel = (f) => (f === 'N/A' ? f : relative(dir, resolve(dir, f)).split('\\').join('/'))
    return {
      findings: result.issues.map((i) => ({
        check: i.id,
        severity: i.severity.name,
        confidence: i.confidence.name,
        file: rel(i.file),
        line: i.location?.line ?? 0,
        description: i.description,
      })),
      unparsed: result.errors.filter((e) => !e.tolerable).map((e) => ({ file: relative(dir, e.file).split('\\').join('/'), message: e.message })),
      files: countFiles(dir),
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

function countFiles(dir) {
  return readdirSync(dir, { withFileTypes: true, recursive: true }).filter((d) => d.isFile()).length
}

/** The justification list, checked: each entry names a check, a file and says why in a sentence. */
export function readJustified(file = JUSTIFIED_FILE) {
  const list = JSON.parse(readFileSync(file, 'utf8'))
  if (!Array.isArray(list)) throw new Error(`${file}: expected a JSON array of {check, file, why}`)
  for (const [n, e] of list.entries()) {
    if (typeof e?.check !== 'string' || typeof e?.file !== 'string' || typeof e?.why !== 'string' || e.why.trim().length < 20) {
      throw new Error(`${file}: entry ${n} needs "check", "file" and a "why" of at least a sentence`)
    }
  }
  return list
}

/** The gate's verdict on a scan: what fails it (empty: it passes) and what is only reported. */
export function judge({ findings, unparsed }, justified) {
  const failures = []
  const notes = []
  const isJustified = (f) => justified.some((j) => j.check === f.check && j.file === f.file)
  for (const u of unparsed) failures.push(`could not parse ${u.file} (so it was not checked): ${u.message}`)
  for (const f of findings) {
    const where = `${f.check} in ${f.file}:${f.line}`
    if (f.severity === 'HIGH') failures.push(`HIGH ${where}: ${f.description}`)
    else if (f.severity === 'MEDIUM' && !isJustified(f)) failures.push(`MEDIUM ${where} is neither fixed nor justified in security/electronegativity-justified.json: ${f.description}`)
    else notes.push(`${f.severity} ${where}${isJustified(f) ? ' (justified)' : ''}`)
  }
  for (const j of justified) {
    if (!findings.some((f) => f.severity === 'MEDIUM' && f.check === j.check && f.file === j.file)) {
      failures.push(`stale justification: no MEDIUM ${j.check} in ${j.file} any more; remove it from security/electronegativity-justified.json`)
    }
  }
  return { failures, notes }
}

async function main(argv) {
  const i = argv.indexOf('--out')
  const out = i >= 0 ? argv[i + 1] : null
  const result = await scan({ out })
  const { failures, notes } = judge(result, readJustified())
  console.log(`electronegativity: ${result.files} files scanned (${SCANNED.join(', ')}), ${result.findings.length} findings`)
  if (networkAttempts.length > 0) console.log(`  (answered offline: ${networkAttempts.join(', ')})`)
  for (const n of notes) console.log(`  ${n}`)
  for (const f of failures) console.error(`  FAIL ${f}`)
  if (failures.length > 0) process.exit(1)
  console.log('electronegativity: passed')
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main(process.argv.slice(2))
