// What a commit must name before it writes anything (issue 11, attack 6: an LLM's reading committed unseen). A preview
// of an LLM-tier reading, or of two tiers that disagree, commits only with the canonical text of the command the
// person saw and chose; when a commit names one, it must be exactly what will run.
import { AppError } from '../../shared/api/errors'
import type { PreviewCandidate, PreviewResult } from '../../shared/api/console'
import { parseCanonical, toCanonical } from '../../shared/command/canonical'
import type { PreviewStore, StoredPreview } from './preview'

/** Puts the previews in the store; two or more are the disagreeing readings of one sentence, linked as candidates. */
export function withCandidates(store: PreviewStore, previews: StoredPreview[]): PreviewResult {
  if (previews.length > 1) {
    const candidates: PreviewCandidate[] = previews.map(({ result: r }) => ({
      previewId: r.previewId,
      parser: r.parser as PreviewCandidate['parser'],
      canonical: r.canonical,
      readBack: r.readBack,
      matched: r.matched,
      affected: r.affected,
      blocked: r.blocked,
    }))
    for (const p of previews) {
      p.result.candidates = candidates
      p.result.confirmCanonical = true
      p.result.warnings = ['The local parser and the LLM read this sentence differently: nothing is committed until you pick one.', ...p.result.warnings]
    }
  }
  for (const p of previews) store.put(p)
  return previews[0].result
}

/** Typed canonical text in its one spelling (spacing, phone formats), or as typed when it does not parse. */
function normalized(text: string): string {
  const r = parseCanonical(text.trim())
  return r.ok ? toCanonical(r.command) : text.trim()
}

/**
 * The preview a commit may write: the stored one, or the candidate its `canonical` picks. Refuses (CONFLICT, with the
 * canonical text to pass in `details`) when a needed confirmation is missing or names another command.
 */
export function confirmedChoice(p: StoredPreview, canonical: string | undefined, get: (id: string) => StoredPreview): StoredPreview {
  const r = p.result
  if (r.candidates.length > 0) {
    const options = r.candidates.map((c) => `"${c.canonical}" (${c.parser}: ${c.readBack})`).join(' or ')
    if (canonical === undefined)
      throw new AppError('CONFLICT', `The local parser and the LLM read this sentence differently; nothing was committed. Pick one: ${options}.`, {
        candidates: r.candidates.map((c) => c.canonical),
      })
    const want = normalized(canonical)
    const pick = r.candidates.find((c) => c.canonical === want)
    if (!pick) throw new AppError('CONFLICT', `'${canonical}' is not one of the readings previewed; nothing was committed. Pick one: ${options}.`, { candidates: r.candidates.map((c) => c.canonical) })
    return get(pick.previewId)
  }
  if (canonical === undefined) {
    if (r.confirmCanonical)
      throw new AppError('CONFLICT', `This command was read by the LLM and must be confirmed by its canonical text; nothing was committed. It reads: ${r.readBack}. To commit it, confirm: ${r.canonical}`, {
        canonical: r.canonical,
      })
    return p
  }
  if (normalized(canonical) !== r.canonical)
    throw new AppError('CONFLICT', `The confirmed command is not what would run; nothing was committed. What would run: ${r.canonical} (${r.readBack})`, { canonical: r.canonical })
  return p
}

/** The last `max` strings added, oldest dropped first. */
export class RecentSet {
  private items = new Set<string>()
  constructor(private readonly max: number) {}

  add(v: string): void {
    this.items.delete(v)
    this.items.add(v)
    while (this.items.size > this.max) this.items.delete(this.items.values().next().value as string)
  }

  has(v: string): boolean {
    return this.items.has(v)
  }
}
