// The numbers a line carries: its MSISDN (unique per line id, whatever the seed's offset) and the Luhn check digit
// of its ICCID and IMEI.

// MSISDNs: the 7-digit subscriber part is a bijection of the line id (unique across the whole workspace, whatever the
// area code), the area code comes from the account's state.
const VALID_NXX: number[] = []
for (let nxx = 200; nxx <= 999; nxx++) if (nxx !== 555 && nxx % 100 !== 11 && nxx !== 950 && nxx !== 958 && nxx !== 959 && nxx !== 976) VALID_NXX.push(nxx)
const SUBSCRIBER_SPACE = VALID_NXX.length * 10000
const MSISDN_STRIDE = 3_141_601 // coprime with SUBSCRIBER_SPACE (checked below)
export const MAX_LINES = SUBSCRIBER_SPACE - 1
{
  const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b))
  if (gcd(MSISDN_STRIDE, SUBSCRIBER_SPACE) !== 1) throw new Error('demo generator: MSISDN stride not coprime')
}
export function subscriberPart(lineId: number, seed: number): string {
  const offset = ((seed % SUBSCRIBER_SPACE) * 7919 + SUBSCRIBER_SPACE) % SUBSCRIBER_SPACE
  // exact in doubles: lineId * stride < 7.9e6 * 3.2e6 < 2^53
  const x = (lineId * MSISDN_STRIDE + offset) % SUBSCRIBER_SPACE
  const nxx = VALID_NXX[Math.floor(x / 10000)]
  return `${nxx}${String(x % 10000).padStart(4, '0')}`
}

export function luhnDigit(body: string): string {
  // Luhn: double every second digit from the right of the full number (the check digit is the rightmost)
  let sum = 0
  let dbl = true
  for (let i = body.length - 1; i >= 0; i--) {
    let n = body.charCodeAt(i) - 48
    if (dbl) {
      n *= 2
      if (n > 9) n -= 9
    }
    sum += n
    dbl = !dbl
  }
  return String((10 - (sum % 10)) % 10)
}
