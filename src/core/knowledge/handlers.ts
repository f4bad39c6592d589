import { AppError } from '../../shared/api/errors'
import type { Article, KnowledgeApi } from '../../shared/api/knowledge'
import type { Workspace } from '../store'
import { SEED_ARTICLES } from './articles'
import { explain } from './explain'

/** Seeds the built-in articles once (the table may also hold the operator's own). */
function ensureArticles(ws: Workspace): void {
  if (ws.opts.readonly) return
  const insert = ws.db.prepare('INSERT OR IGNORE INTO knowledge (id, title, body, tags) VALUES (?, ?, ?, ?)')
  ws.db.transaction(() => {
    for (const a of SEED_ARTICLES) insert.run(a.id, a.title, a.body, a.tags)
  })()
}

export function knowledgeHandlers(ws: Workspace): KnowledgeApi {
  let seeded = false
  const seed = () => {
    if (!seeded) ensureArticles(ws)
    seeded = true
  }
  const title = (id: string) => (ws.db.prepare('SELECT title FROM knowledge WHERE id = ?').get(id) as { title: string } | undefined)?.title ?? null
  return {
    async ask({ question }) {
      seed()
      return explain(ws.db, question, title)
    },
    async articles({ query }) {
      seed()
      const words = query.toLowerCase().split(/\W+/).filter((w) => w.length > 2)
      const all = ws.db.prepare('SELECT id, title, tags, body FROM knowledge ORDER BY title').all() as Article[]
      if (words.length === 0) return all.map(({ id, title, tags }) => ({ id, title, tags }))
      return all
        .map((a) => ({ a, score: words.reduce((s, w) => s + (a.title.toLowerCase().includes(w) ? 3 : 0) + (a.tags.includes(w) ? 2 : 0) + (a.body.toLowerCase().includes(w) ? 1 : 0), 0) }))
        .filter((x) => x.score > 0)
        .sort((x, y) => y.score - x.score)
        .map(({ a: { id, title, tags } }) => ({ id, title, tags }))
    },
    async article({ id }) {
      seed()
      const a = ws.db.prepare('SELECT id, title, body, tags FROM knowledge WHERE id = ?').get(id) as Article | undefined
      if (!a) throw new AppError('NOT_FOUND', `No knowledge article "${id}".`)
      return a
    },
  }
}
