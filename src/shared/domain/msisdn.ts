// Phone numbers: the store keeps E.164 (+1NXXNXXXXXX). Operators type them in any US format.

/** Digits only. */
export function digitsOf(text: string): string {
  return text.replace(/\D+/g, '')
}

/**
 * Normalizes a US number in any common format ("(512) 555-0123", "512.555.0123", "+1 512 555 0123", "15125550123")
 * to E.164, or returns null when it is not a 10-digit NANP number (with or without the leading 1).
 */
export function toE164(text: string): string | null {
  const trimmed = text.trim()
  if (!/^[+\d\s().-]+$/.test(trimmed)) return null
  let d = digitsOf(trimmed)
  if (d.length === 11 && d.startsWith('1')) d = d.slice(1)
  if (d.length !== 10) return null
  if (d[0] === '0' || d[0] === '1') return null
  return `+1${d}`
}

/** "+15125550123" → "(512) 555-0123" */
export function formatUs(e164: string): string {
  const d = digitsOf(e164)
  const ten = d.length === 11 ? d.slice(1) : d
  if (ten.length !== 10) return e164
  return `(${ten.slice(0, 3)}) ${ten.slice(3, 6)}-${ten.slice(6)}`
}

/** Luhn check, used for ICCIDs (and IMEIs). */
export function luhnValid(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false
  let sum = 0
  let dbl = false
  for (let i = digits.length - 1; i >= 0; i--) {
    let n = digits.charCodeAt(i) - 48
    if (dbl) {
      n *= 2
      if (n > 9) n -= 9
    }
    sum += n
    dbl = !dbl
  }
  return sum % 10 === 0
}

/** The digit that makes `body + digit` pass the Luhn check. */
export function luhnCheckDigit(body: string): string {
  for (let c = 0; c <= 9; c++) if (luhnValid(body + c)) return String(c)
  throw new Error('unreachable')
}
