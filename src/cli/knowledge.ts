import { createCaller, createApi } from '../core/app'
import { register } from './registry'
import { openWorkspaceFromArgs } from './workspace-commands'

register({
  path: ['ask'],
  summary: 'answers a support question about a line from the local store, with links',
  usage: 'ask "<question>" [--json]',
  async run(args, io) {
    const question = args.positionals.join(' ')
    const ws = openWorkspaceFromArgs(args)
    try {
      const answer = await createCaller(createApi(ws)).knowledge.ask({ question })
      if (args.flags.json) io.json({ ok: true, ...answer })
      else {
        io.out(answer.answer.join('\n'))
        for (const e of answer.evidence) io.out(`  · ${e.at.slice(0, 10)}  ${e.text}`)
        for (const l of [...answer.links, ...answer.articles.map((a) => ({ label: a.title, href: `#/knowledge/${a.id}` }))]) io.out(`  → ${l.label}: ${l.href}`)
      }
      return 0
    } finally {
      ws.close()
    }
  },
})
