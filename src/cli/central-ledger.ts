// The central ledger from the command line (issue 11, attack 2):
//   central verify --url …                                 the chain in SQL (ledger_verify()) and recomputed here, with the
//                                                          signatures of the trusted keys (WINGTEL_LEDGER_KEYS, --keys)
//   central ledger keygen --key-id ID --out FILE           a new Ed25519 signing key (0600 PEM); prints the public key
//   central ledger sign --key-file FILE --key-id ID --url  sign the head (after verifying the chain and the key's earlier
//                                                          signatures); for an admin, or the job worker on a schedule
// Each supports --json. The connecting user must be allowed to insert into ledger_signatures to sign (service_role,
// the migration user, a superuser).
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { checkLedger, generateLedgerKey, ledgerKeyFromPrivatePem, parseLedgerKeys, signLedgerHead } from '../central/ledger'
import { describeLedger, ledgerVerifyOf } from '../shared/api/sync'
import { withCentral } from './central'
import { cliConfig } from './config'
import { flagString, register, type ParsedArgs } from './registry'

function required(args: ParsedArgs, name: string, what: string): string {
  const v = flagString(args, name)
  if (!v) throw new Error(`give --${name} ${what}`)
  return v
}

register({
  path: ['central', 'verify'],
  summary: "Verify the central ledger: its hash chain (in SQL and recomputed here) and the trusted keys' signatures",
  usage: 'central verify --url postgres://… [--keys keyid:base64-spki,…] [--json]',
  async run(args, io) {
    const keysText = flagString(args, 'keys')
    const keys = keysText !== undefined ? parseLedgerKeys(keysText, '--keys') : cliConfig().ledgerKeys
    const r = await withCentral(args, async (c) => {
      const sql = (await c.query<{ r: { ok: boolean; first_bad_id: number | null; reason: string | null } }>('SELECT ledger_verify() AS r')).rows[0].r
      const ts = await checkLedger(c, { keys })
      return { sql, ts }
    })
    const ok = r.sql.ok && r.ts.ok
    const summary = describeLedger(ledgerVerifyOf(r.ts))
    if (args.flags.json) io.json({ ok, summary, sql: r.sql, independent: r.ts })
    else {
      io.out(`${summary} (${r.ts.entries} entries)`)
      if (!r.sql.ok) io.out(`ledger_verify() in SQL: failed at entry ${r.sql.first_bad_id}: ${r.sql.reason}`)
      if (!ok) io.out('LEDGER TAMPERED')
    }
    return ok ? 0 : 1
  },
})

register({
  path: ['central', 'ledger', 'keygen'],
  summary: 'Make an Ed25519 key to sign the ledger head with; prints the public key for WINGTEL_LEDGER_KEYS',
  usage: 'central ledger keygen --key-id ID --out FILE [--json]',
  async run(args, io) {
    const id = required(args, 'key-id', 'a short name for the key (shown as "signed by ID")')
    const out = required(args, 'out', 'the file to write the private key to')
    if (existsSync(out)) throw new Error(`${out} exists already: keys are never overwritten`)
    const k = generateLedgerKey(id)
    writeFileSync(out, k.pem, { mode: 0o600, flag: 'wx' })
    const trusted = `${k.id}:${k.spki}`
    if (args.flags.json) io.json({ ok: true, key_id: k.id, public_key: k.spki, trusted, file: out })
    else {
      io.out(`wrote the private key to ${out} (mode 0600): keep it off the database server`)
      io.out(`workstations trust it with WINGTEL_LEDGER_KEYS=${trusted}`)
    }
    return 0
  },
})

register({
  path: ['central', 'ledger', 'sign'],
  summary: "Sign the central ledger's head (verifies the chain and this key's earlier signatures first)",
  usage: 'central ledger sign --key-file FILE --key-id ID --url postgres://… [--json]',
  async run(args, io) {
    const file = required(args, 'key-file', 'the private key file (central ledger keygen)')
    const id = required(args, 'key-id', 'the key\'s name (as in WINGTEL_LEDGER_KEYS)')
    let pem: string
    try {
      pem = readFileSync(file, 'utf8')
    } catch (e) {
      throw new Error(`cannot read the key file ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, { cause: e })
    }
    const key = ledgerKeyFromPrivatePem(id, pem)
    const r = await withCentral(args, (c) => signLedgerHead(c, key))
    if (args.flags.json) io.json({ ok: true, ...r })
    else if (r.entry_id === null) io.out('the ledger is empty: nothing to sign')
    else io.out(r.signed ? `signed entry ${r.entry_id} as ${r.key_id}` : `entry ${r.entry_id} was already signed by ${r.key_id}`)
    return 0
  },
})
