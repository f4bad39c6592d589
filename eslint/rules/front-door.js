// Front doors (after VS Code's code-no-deep-import-of-internal): a domain (src/core/<domain>, src/adapters/<kind>) is
// entered only through its index.ts. Inside a domain any file may import any other. Test support (`testing.ts`,
// `test-*.ts`) is a second door, for tests, other test support, benches and e2e only.
import path from 'node:path'
import { importVisitors, resolveRelative, roomOf } from './rooms.js'

const TEST_SUPPORT = /(^|\/)(testing|test-[\w-]+)\.ts$/
const isTestish = (rel) => /\.(test|e2e)\.tsx?$/.test(rel) || TEST_SUPPORT.test(rel) || rel.startsWith('bench/') || rel.startsWith('e2e/')

export default {
  meta: {
    type: 'problem',
    docs: { description: 'Another domain is entered only through its index.ts.' },
    schema: [{ type: 'object', properties: { exempt: { type: 'array', items: { type: 'string' } } }, additionalProperties: false }],
    messages: {
      deep: "'{{spec}}' reaches inside {{domain}}: import it from the domain's front door ({{door}}){{hint}}",
    },
  },
  create(context) {
    const exempt = context.options[0]?.exempt ?? []
    const cwd = context.cwd
    const file = context.filename
    const relFile = path.relative(cwd, file).split(path.sep).join('/')
    if (exempt.some((p) => relFile.startsWith(p))) return {}
    const here = roomOf(relFile)
    return importVisitors((node, spec) => {
      const target = resolveRelative(file, spec)
      if (!target) return
      const relTarget = path.relative(cwd, target).split(path.sep).join('/')
      const there = roomOf(relTarget)
      if (!there || !there.domain) return
      if (here && here.room === there.room && here.domain === there.domain) return
      const door = `${path.posix.dirname(relTarget).split('/').slice(0, 3).join('/')}/index.ts`
      if (relTarget === door) return
      if (TEST_SUPPORT.test(relTarget) && isTestish(relFile)) return
      context.report({
        node,
        messageId: 'deep',
        data: { spec, domain: `${there.room}/${there.domain}`, door, hint: TEST_SUPPORT.test(relTarget) ? ' (test support is for tests only)' : '' },
      })
    })
  },
}
