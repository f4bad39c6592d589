// `sync status`, `sync pull`, `sync push`, `ledger verify`. The remote is the workspace's configured one (the sandbox
// by default) unless `--url postgres://…` picks a direct Postgres (`--role` chooses the claimed role, default
// operator). `--progress` prints one JSON line per applied page / pushed batch on stderr (tests wait on them).
import type { SyncRole } from '../shared/api/sync'
import { describeLedger, SYNC_ROLES } from '../shared/api/sync'
import type { EngineEvent } from '../core/sync'
import { toAppError, claimsFor, SyncService } from '../core/sync'
import type { Workspace } from '../core/store'
import { flagNumber, flagString, register, type CliIo, type ParsedArgs } from './registry'
import { cliConfig } from './config'
import { openWorkspaceFromArgs } from './workspace-commands'

function serviceFromArgs(ws: Workspace, args: ParsedArgs, io: CliIo): SyncService {
  const url = flagString(args, 'url')
  const role = (flagString(args, 'role') ?? 'operator') as SyncRole
  if (!SYNC_ROLES.includes(role)) throw new Error(`--role must be one of ${SYNC_ROLES.join(', ')}`)
  const progress = Boolean(args.flags.progress)
  return new SyncService(ws, {
    remoteOverride: url ? { kind: 'postgres', url, claims: claimsFor(role), pollMs: 0 } : undefined,
    inline: Boolean(args.flags.inline),
    sandbox: cliConfig().sandbox,
    bootstrap: cliConfig().bootstrap,
    ledgerKeys: cliConfig().ledgerKeys,
    // one JSON line per applied page / pushed batch on stderr
    onEngineEvent: progress
      ? (e: EngineEvent) => {
          if (e.type === 'progress') io.err(JSON.stringify({ event: 'page', pages: e.pages, changes: e.changes, phase: e.phase, rows: e.bootstrap?.rows ?? null, lane_rows: e.bootstrap?.laneRows ?? null }))
          if (e.type === 'pushed') io.err(JSON.stringify({ event: 'pushed', applied: e.applied, rejected: e.rejected, conflict: e.conflict, pending: e.pending }))
        }
      : undefined,
  })
}

async function withService<T>(args: ParsedArgs, io: CliIo, fn: (svc: SyncService, ws: Workspace) => Promise<T>): Promise<T> {
  const ws = openWorkspaceFromArgs(args)
  const svc = serviceFromArgs(ws, args, io)
  try {
    return await fn(svc, ws)
  } catch (e) {
    throw toAppError(e)
  } finally {
    await svc.close()
    ws.close()
  }
}

const REMOTE_USAGE = '[--url postgres://…] [--role operator] [--db PATH] [--json]'

register({
  path: ['sync', 'status'],
  summary: 'Sync state: source, data as of, cursor phase, pending / rejected / conflicting operations',
  usage: `sync status ${REMOTE_USAGE}`,
  async run(args, io) {
    return withService(args, io, async (svc) => {
      const s = svc.statusSync()
      if (args.flags.json) io.json(s)
      else {
        io.out(`source        ${s.source} (${s.remoteLabel})`)
        io.out(`signed in as  ${s.signedInAs ?? '-'}`)
        io.out(`phase         ${s.phase}${s.bootstrap ? ` (bootstrap: ${s.bootstrap.rows} rows so far)` : ''}`)
        io.out(`data as of    ${s.dataAsOf ?? 'never synced'}`)
        io.out(`horizon       ${s.horizon ?? '-'}${s.horizonLag !== null ? ` (lag ${s.horizonLag} xids)` : ''}`)
        io.out(`operations    ${s.pending} pending, ${s.rejected} rejected, ${s.conflict} conflicts`)
        if (s.lastError) io.out(`last error    ${s.lastError}`)
      }
      return 0
    })
  },
})

register({
  path: ['sync', 'pull'],
  summary: 'Pull from the central backend until up to date (bootstraps when needed)',
  usage: `sync pull [--limit 5000] [--progress] ${REMOTE_USAGE}`,
  async run(args, io) {
    return withService(args, io, async (svc) => {
      const r = await svc.getClient().pull({ limit: flagNumber(args, 'limit', 5000) })
      if (args.flags.json) io.json({ ok: true, ...r })
      else io.out(`pulled ${r.changes} changes in ${r.pages} pages (${r.ms} ms)${r.bootstrapped ? ', bootstrapped' : ''}${r.reset ? ', after a reset' : ''}; up to date as of horizon ${r.horizon}`)
      return 0
    })
  },
})

register({
  path: ['sync', 'push'],
  summary: 'Push pending operations to the central backend',
  usage: `sync push [--batch 500] [--progress] ${REMOTE_USAGE}`,
  async run(args, io) {
    return withService(args, io, async (svc) => {
      const r = await svc.getClient().push({ batchSize: flagNumber(args, 'batch', 500), ignoreBackoff: true })
      if (args.flags.json) io.json({ ok: true, ...r })
      else io.out(`sent ${r.sent}: ${r.applied} applied, ${r.rejected} rejected, ${r.conflict} conflicts; ${r.pending} still pending (${r.ms} ms)`)
      return 0
    })
  },
})

register({
  path: ['ledger', 'verify'],
  summary: "Verify the central ledger's hash chain",
  usage: `ledger verify ${REMOTE_USAGE}`,
  async run(args, io) {
    return withService(args, io, async (svc) => {
      const r = await svc.ledgerVerify()
      if (args.flags.json) io.json({ ...r, summary: describeLedger(r) })
      else io.out(`${describeLedger(r)} (${r.entries} entries)`)
      return r.ok ? 0 : 1
    })
  },
})
