// What an op does to a line, as a pure function: what a simulated apply writes in tests (the optimistic overlay the
// grid shows is the sync engine's pendingOverlay, src/core/sync/push/overlay.ts; the console never writes synced tables).

export interface LineState {
  planCode: string
  status: string
  addons: string
  tags: string
  walletCents: number
}

function listAdd(list: string, v: string): string {
  const items = list ? list.split(',') : []
  if (!items.includes(v)) items.push(v)
  return items.sort().join(',')
}
function listRemove(list: string, v: string): string {
  return (list ? list.split(',') : []).filter((x) => x !== v).join(',')
}

/** The line after `action` (a top-up is listed among the add-ons, as the demo data does; its data is not modelled). */
export function applyOpToLine<T extends LineState>(line: T, action: string, params: Record<string, unknown>): T {
  const next = { ...line }
  switch (action) {
    case 'change_plan':
      next.planCode = String(params.plan)
      break
    case 'add_addon':
      next.addons = listAdd(line.addons, String(params.addon))
      break
    case 'remove_addon':
      next.addons = listRemove(line.addons, String(params.addon))
      break
    case 'suspend':
      next.status = 'suspended'
      break
    case 'resume':
      next.status = 'active'
      break
    case 'tag':
      next.tags = listAdd(line.tags, String(params.tag))
      break
    case 'untag':
      next.tags = listRemove(line.tags, String(params.tag))
      break
    case 'credit_wallet':
      next.walletCents = line.walletCents + Number(params.amount_cents)
      break
    case 'debit_wallet':
      next.walletCents = line.walletCents - Number(params.amount_cents)
      break
  }
  return next
}
