import { z } from 'zod'

export const askInput = z.object({ question: z.string().trim().min(1, 'Ask a question, e.g. "why was line 512-555-0123 suspended?"').max(500) })

export interface AnswerLink {
  label: string
  /** an in-app route (#/lines/+1…, #/history/…, #/knowledge/…) */
  href: string
}

export interface Answer {
  /** what the question was understood as */
  intent: 'suspended' | 'hotlined' | 'disconnected' | 'bill' | 'payment' | 'plan' | 'usage' | 'status' | 'article'
  /** the subject found in the question (E.164 MSISDN or account id), if any */
  subject: string | null
  /** plain sentences, most important first */
  answer: string[]
  /** the facts the answer rests on, each with a date */
  evidence: Array<{ at: string; text: string; href?: string }>
  links: AnswerLink[]
  articles: Array<{ id: string; title: string }>
  tier: 'local'
}

export interface Article {
  id: string
  title: string
  body: string
  tags: string
}

export interface KnowledgeApi {
  ask(input: z.output<typeof askInput>): Promise<Answer>
  articles(input: { query: string }): Promise<Array<Pick<Article, 'id' | 'title' | 'tags'>>>
  article(input: { id: string }): Promise<Article>
}
