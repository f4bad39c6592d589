// A small seeded PRNG (sfc32, seeded through splitmix32) and the distributions the demo generator needs. Never
// Math.random: the same seed must give byte-identical data.

/** splitmix32 output function */
function mix32(z: number): number {
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b)
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35)
  return (z ^ (z >>> 16)) | 0
}

const GOLDEN = 0x9e3779b9 | 0

export class Rng {
  private a: number
  private b: number
  private c: number
  private d: number
  private spare = NaN

  /** `stream` gives independent sequences for the same seed (one per account, per phase…). */
  constructor(seed: number, stream = 0) {
    const s = (Math.imul(seed | 0, 0x27d4eb2d) ^ Math.imul(stream | 0, 0x165667b1) ^ (Math.floor(stream / 4294967296) | 0)) | 0
    this.a = mix32((s + GOLDEN) | 0)
    this.b = mix32((s + 2 * GOLDEN) | 0)
    this.c = mix32((s + 3 * GOLDEN) | 0)
    this.d = mix32((s + 4 * GOLDEN) | 0)
    for (let i = 0; i < 12; i++) this.u32()
  }

  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0
    this.d = (this.d + 1) | 0
    this.a = this.b ^ (this.b >>> 9)
    this.b = (this.c + (this.c << 3)) | 0
    this.c = (this.c << 21) | (this.c >>> 11)
    this.c = (this.c + t) | 0
    return t >>> 0
  }

  /** uniform [0, 1) */
  next(): number {
    return this.u32() / 4294967296
  }

  /** uniform integer in [0, n) */
  int(n: number): number {
    return Math.floor(this.next() * n)
  }

  /** uniform integer in [lo, hi] */
  range(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1))
  }

  chance(p: number): boolean {
    return this.next() < p
  }

  pick<T>(arr: readonly T[]): T {
    return arr[Math.floor(this.next() * arr.length)]
  }

  /** standard normal (Box-Muller, caches the second value) */
  normal(): number {
    if (this.spare === this.spare) {
      const s = this.spare
      this.spare = NaN
      return s
    }
    let u = this.next()
    if (u < 1e-12) u = 1e-12
    const v = this.next()
    const r = Math.sqrt(-2 * Math.log(u))
    this.spare = r * Math.sin(2 * Math.PI * v)
    return r * Math.cos(2 * Math.PI * v)
  }

  /** lognormal with the given median and log-sd */
  lognormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal())
  }

  /** Pareto with scale xm and shape alpha (heavy tail for alpha < 2) */
  pareto(xm: number, alpha: number): number {
    return xm / Math.pow(1 - this.next(), 1 / alpha)
  }

  /** exponential with the given mean */
  exp(mean: number): number {
    return -Math.log(1 - this.next()) * mean
  }

  /** index into `weights` with probability proportional to the weight */
  weighted(cumulative: Float64Array | readonly number[]): number {
    const total = cumulative[cumulative.length - 1]
    const x = this.next() * total
    let lo = 0
    let hi = cumulative.length - 1
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (cumulative[mid] > x) hi = mid
      else lo = mid + 1
    }
    return lo
  }
}

export function cumulative(weights: readonly number[]): Float64Array {
  const out = new Float64Array(weights.length)
  let s = 0
  weights.forEach((w, i) => {
    s += w
    out[i] = s
  })
  return out
}
