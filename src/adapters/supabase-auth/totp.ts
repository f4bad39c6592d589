// RFC 6238 TOTP (HMAC-SHA1, 30 s steps, 6 digits) and RFC 4648 base32, with node:crypto: what an authenticator app
// computes and what GoTrue checks. The fake server verifies codes with it; tests use it as the person's phone.
import { createHmac, randomBytes } from 'node:crypto'

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'

export function base32Encode(buf: Buffer): string {
  let bits = 0
  let value = 0
  let out = ''
  for (const byte of buf) {
    value = (value << 8) | byte
    bits += 8
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31]
      bits -= 5
    }
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31]
  return out
}

export function base32Decode(text: string): Buffer {
  const clean = text.replace(/=+$/, '').replace(/\s+/g, '').toUpperCase()
  let bits = 0
  let value = 0
  const out: number[] = []
  for (const ch of clean) {
    const idx = ALPHABET.indexOf(ch)
    if (idx < 0) throw new Error(`not a base32 secret (character '${ch}')`)
    value = (value << 5) | idx
    bits += 5
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 255)
      bits -= 8
    }
  }
  return Buffer.from(out)
}

/** A new TOTP secret (160 bits, base32), as GoTrue generates one at enrolment. */
export function newTotpSecret(): string {
  return base32Encode(randomBytes(20))
}

/** RFC 4226 HOTP of `counter`. */
export function hotp(secret: string, counter: number, digits = 6): string {
  const msg = Buffer.alloc(8)
  msg.writeBigUInt64BE(BigInt(counter))
  const mac = createHmac('sha1', base32Decode(secret)).update(msg).digest()
  const offset = mac[mac.length - 1] & 0xf
  const code = (mac.readUInt32BE(offset) & 0x7fffffff) % 10 ** digits
  return String(code).padStart(digits, '0')
}

/** The TOTP code at `atMs` (epoch milliseconds). */
export function totpCode(secret: string, atMs: number, stepS = 30): string {
  return hotp(secret, Math.floor(atMs / 1000 / stepS))
}

/** Whether `code` is the TOTP at `atMs` or one step either side (clock drift, as GoTrue allows). */
export function totpValid(secret: string, code: string, atMs: number, stepS = 30): boolean {
  const c = Math.floor(atMs / 1000 / stepS)
  return [c - 1, c, c + 1].some((n) => hotp(secret, n) === code)
}

/** The otpauth:// URI an authenticator app reads (what a QR code would hold). */
export function otpauthUri(secret: string, account: string, issuer: string): string {
  return `otpauth://totp/${encodeURIComponent(issuer)}:${encodeURIComponent(account)}?secret=${secret}&issuer=${encodeURIComponent(issuer)}&algorithm=SHA1&digits=6&period=30`
}
