// Test support for the console (nothing in the app imports this file): small generated demo workspaces, one copy per
// test, and a simulated server apply of a batch's ops.
import { copyFileSync, existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createApi, createCaller } from '../app'
import { generateDemo } from '../demo'
import { Workspace } from '../store'
import { applyOpToLine } from './apply-op'

export const TEST_AS_OF = '2026-11-15'
const templates = new Map<number, string>()

async function template(lines: number): Promise<string> {
  const cached = templates.get(lines)
  if (cached && existsSync(cached)) return cached
  const path = join(mkdtempSync(join(tmpdir(), 'console-tpl-')), `demo-${lines}.sqlite`)
  const ws = new Workspace({ dbPath: path })
  await generateDemo(ws.db, { lines, months: 2, seed: 11, asOf: TEST_AS_OF })
  ws.db.pragma('wal_checkpoint(TRUNCATE)')
  ws.close()
  templates.set(lines, path)
  return path
}

/** A fresh copy of a generated demo workspace of `lines` lines. */
export async function demoWorkspace(lines = 1500): Promise<Workspace> {
  const src = await template(lines)
  const path = join(mkdtempSync(join(tmpdir(), 'console-ws-')), 'ws.sqlite')
  copyFileSync(src, path)
  return new Workspace({ dbPath: path })
}

export function callerFor(ws: Workspace) {
  return createCaller(createApi(ws))
}

/**
 * What the server does when the sync engine pushes the batch: each pending op is applied to its line (row_version
 * bumped, wallet credits on the account and its lines' copies) and marked applied.
 */
export function simulateApply(ws: Workspace, batchId: string): number {
  const ops = ws.db
    .prepare("SELECT seq, line_id AS lineId, action, params FROM operations WHERE batch_id = ? AND status = 'pending' ORDER BY seq")
    .all(batchId) as Array<{ seq: number; lineId: number; action: string; params: string }>
  const get = ws.db.prepare(
    'SELECT plan_code AS planCode, status, addons, tags, wallet_cents AS walletCents, account_id AS accountId FROM lines WHERE id = ?',
  )
  const put = ws.db.prepare(
    `UPDATE lines SET plan_code = ?, status = ?, addons = ?, tags = ?, row_version = row_version + 1,
       plan_changes_month = plan_changes_month + ? WHERE id = ?`,
  )
  const wallet = ws.db.prepare('UPDATE lines SET wallet_cents = wallet_cents + ? WHERE account_id = ?')
  const accWallet = ws.db.prepare('UPDATE accounts SET wallet_cents = wallet_cents + ? WHERE id = ?')
  const done = ws.db.prepare("UPDATE operations SET status = 'applied', resolved_at = ? WHERE seq = ?")
  ws.db.transaction(() => {
    for (const op of ops) {
      const line = get.get(op.lineId) as { planCode: string; status: string; addons: string; tags: string; walletCents: number; accountId: string }
      const params = JSON.parse(op.params) as Record<string, unknown>
      const next = applyOpToLine(line, op.action, params)
      put.run(next.planCode, next.status, next.addons, next.tags, op.action === 'change_plan' ? 1 : 0, op.lineId)
      const delta = next.walletCents - line.walletCents
      if (delta !== 0) {
        wallet.run(delta, line.accountId)
        accWallet.run(delta, line.accountId)
      }
      done.run(new Date().toISOString(), op.seq)
    }
  })()
  ws.changed(['lines', 'operations'])
  return ops.length
}
