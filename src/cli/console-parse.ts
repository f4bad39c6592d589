// `console parse "<sentence>" [--json] [--tier auto|local|llm|canonical] [--now YYYY-MM-DD]`: the parser tiers on their
// own, as the contract's command-line section says. Works offline with no key (the LLM tier is used only when
// WINGTEL_OPENAI_API_KEY or WINGTEL_OPENAI_BASE_URL is set, and only for sentences the local tier cannot read).
import { parseSentence, type ParseTier } from '../core/console'
import { cliConfig } from './config'
import { flagString, register } from './registry'

const TIERS: ParseTier[] = ['auto', 'local', 'llm', 'canonical']

register({
  path: ['console', 'parse'],
  summary: 'Turn a sentence (or canonical text) into a command: {ok, command, canonical, tier, warnings} or {ok, error, suggestion}',
  usage: 'console parse "<sentence>" [--tier auto|local|llm|canonical] [--now YYYY-MM-DD] [--json]',
  async run(args, io) {
    const text = args.positionals.join(' ')
    const tier = (flagString(args, 'tier') ?? 'auto') as ParseTier
    if (!TIERS.includes(tier)) {
      const bad = { ok: false, error: `unknown tier '${tier}'`, suggestion: `one of ${TIERS.join(', ')}` }
      if (args.flags.json) io.json(bad)
      else io.err(`error: ${bad.error} (${bad.suggestion})`)
      return 1
    }
    const model = flagString(args, 'model')
    const baseURL = flagString(args, 'base-url')
    const r = await parseSentence(text, {
      tier,
      now: flagString(args, 'now'),
      llm: { ...cliConfig().llm, ...(model ? { model } : {}), ...(baseURL ? { baseURL } : {}) },
    })
    if (args.flags.json) {
      io.json(
        r.ok
          ? { ok: true, command: r.command, canonical: r.canonical, tier: r.tier, warnings: r.warnings, read_back: r.readBack, ...(r.candidates ? { candidates: r.candidates } : {}) }
          : { ok: false, error: r.error, suggestion: r.suggestion },
      )
    } else if (r.ok) {
      io.out(r.canonical)
      io.out(`  ${r.readBack}`)
      for (const c of r.candidates ?? []) io.out(`  ${c.tier}: ${c.canonical}  (${c.readBack})`)
      io.out(`  (${r.tier} tier)${r.warnings.map((w) => `\n  warning: ${w}`).join('')}`)
    } else {
      io.err(`error: ${r.error}\n  suggestion: ${r.suggestion}`)
    }
    return r.ok ? 0 : 1
  },
})
