// The keys that sign the ledger's head (issue 11, attack 2): Ed25519 (node:crypto), held by the job worker or an admin,
// never by the database. A signature covers (entry_id, hash) in a fixed, domain-separated message:
//   "wingtel-ledger-head/v1\n<entry_id>\n<hash as lowercase hex>"
// Workstations trust public keys given as `keyid:base64-spki` (WINGTEL_LEDGER_KEYS, a comma list).
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto'

export interface LedgerKey {
  /** a short name shown as "signed by <id>" */
  id: string
  /** the public key: DER SubjectPublicKeyInfo, base64 */
  spki: string
}

export interface LedgerSigningKey extends LedgerKey {
  privateKey: KeyObject
}

const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/

export function signHeadMessage(entryId: string | number | bigint, hashHex: string): Buffer {
  return Buffer.from(`wingtel-ledger-head/v1\n${String(entryId)}\n${hashHex.toLowerCase()}`, 'utf8')
}

function publicKeyOf(spki: string): KeyObject {
  return createPublicKey({ key: Buffer.from(spki, 'base64'), format: 'der', type: 'spki' })
}

const keyCache = new Map<string, KeyObject>()

/** Whether `signatureB64` is `key`'s Ed25519 signature over (entryId, hashHex). */
export function signatureValid(key: LedgerKey, entryId: string, hashHex: string, signatureB64: string): boolean {
  let pub = keyCache.get(key.spki)
  if (!pub) {
    pub = publicKeyOf(key.spki)
    keyCache.set(key.spki, pub)
  }
  const sig = Buffer.from(signatureB64, 'base64')
  if (sig.length !== 64) return false
  return verify(null, signHeadMessage(entryId, hashHex), pub, sig)
}

/** Parses `keyid:base64-spki[,keyid:base64-spki…]` into trusted keys; a bad entry is an error naming it. */
export function parseLedgerKeys(text: string, what = 'WINGTEL_LEDGER_KEYS'): LedgerKey[] {
  const keys: LedgerKey[] = []
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const i = part.indexOf(':')
    const id = i > 0 ? part.slice(0, i) : ''
    const spki = i > 0 ? part.slice(i + 1) : ''
    if (!KEY_ID.test(id) || !spki) {
      throw new Error(`${what}: '${part.slice(0, 40)}' is not keyid:base64-public-key (key ids: letters, digits, . _ -)`)
    }
    if (!isEd25519Spki(spki)) throw new Error(`${what}: the key '${id}' is not a base64 Ed25519 public key (as \`central ledger keygen\` prints it)`)
    if (keys.some((k) => k.id === id)) throw new Error(`${what}: the key id '${id}' appears twice`)
    keys.push({ id, spki })
  }
  return keys
}

function isEd25519Spki(spki: string): boolean {
  try {
    return publicKeyOf(spki).asymmetricKeyType === 'ed25519'
  } catch {
    return false // not a public key at all: the caller says so in the user's words
  }
}

function spkiOf(pub: KeyObject): string {
  return pub.export({ format: 'der', type: 'spki' }).toString('base64')
}

/** A new signing key; `pem` is its private key (PKCS#8) to keep in a 0600 file. */
export function generateLedgerKey(id: string): LedgerSigningKey & { pem: string } {
  if (!KEY_ID.test(id)) throw new Error(`key id '${id}': use 1-64 letters, digits, . _ -`)
  const { privateKey, publicKey } = generateKeyPairSync('ed25519')
  return { id, spki: spkiOf(publicKey), privateKey, pem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString() }
}

/** The signing key in a PEM file's text (PKCS#8 Ed25519), named `id`. */
export function ledgerKeyFromPrivatePem(id: string, pem: string): LedgerSigningKey {
  if (!KEY_ID.test(id)) throw new Error(`key id '${id}': use 1-64 letters, digits, . _ -`)
  let privateKey: KeyObject
  try {
    privateKey = createPrivateKey(pem)
  } catch (e) {
    throw new Error(`the key file is not a PEM private key (${e instanceof Error ? e.message : String(e)})`, { cause: e })
  }
  if (privateKey.asymmetricKeyType !== 'ed25519') {
    throw new Error(`the key file holds a ${privateKey.asymmetricKeyType ?? 'unknown'} key; the ledger is signed with Ed25519 (central ledger keygen)`)
  }
  return { id, spki: spkiOf(createPublicKey(privateKey)), privateKey }
}

export function signHead(key: LedgerSigningKey, entryId: string, hashHex: string): string {
  return sign(null, signHeadMessage(entryId, hashHex), key.privateKey).toString('base64')
}
