// A small logistic regression, fitted by Newton–Raphson on standardized features with a ridge penalty, and
// the backtest metrics (accuracy, ROC AUC, precision@k). Pure functions: no database, deterministic.

export interface Model {
  features: string[]
  mean: number[]
  std: number[]
  /** weights over standardized features */
  w: number[]
  bias: number
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z))

export interface TrainOptions {
  /** Newton steps; each is a full pass over the data */
  iterations?: number
  /** ridge penalty on the standardized weights (not the intercept) */
  l2?: number
}

/** Solves A x = b in place by Gaussian elimination with partial pivoting (A is small: features + 1). */
function solve(A: number[][], b: number[]): number[] {
  const n = b.length
  for (let c = 0; c < n; c++) {
    let piv = c
    for (let r = c + 1; r < n; r++) if (Math.abs(A[r][c]) > Math.abs(A[piv][c])) piv = r
    ;[A[c], A[piv]] = [A[piv], A[c]]
    ;[b[c], b[piv]] = [b[piv], b[c]]
    const d = A[c][c] || 1e-12
    for (let r = c + 1; r < n; r++) {
      const f = A[r][c] / d
      if (f === 0) continue
      for (let k = c; k < n; k++) A[r][k] -= f * A[c][k]
      b[r] -= f * b[c]
    }
  }
  const x = new Array<number>(n).fill(0)
  for (let r = n - 1; r >= 0; r--) {
    let s = b[r]
    for (let k = r + 1; k < n; k++) s -= A[r][k] * x[k]
    x[r] = s / (A[r][r] || 1e-12)
  }
  return x
}

/**
 * Fits by Newton–Raphson (iteratively reweighted least squares): second-order gradient descent on the log loss, which
 * converges in a handful of passes where plain gradient descent needs hundreds.
 */
export function train(features: string[], X: number[][], y: number[], opts: TrainOptions = {}): Model {
  const n = X.length
  const d = features.length
  const mean = new Array<number>(d).fill(0)
  const std = new Array<number>(d).fill(0)
  for (const row of X) for (let j = 0; j < d; j++) mean[j] += row[j] / n
  for (const row of X) for (let j = 0; j < d; j++) std[j] += (row[j] - mean[j]) ** 2 / n
  for (let j = 0; j < d; j++) std[j] = Math.sqrt(std[j]) || 1
  // standardized design with the intercept as column d, flat for speed
  const D = d + 1
  const Z = new Float64Array(n * D)
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) Z[i * D + j] = (X[i][j] - mean[j]) / std[j]
    Z[i * D + d] = 1
  }
  const beta = new Array<number>(D).fill(0)
  const pos = y.reduce((a, b) => a + b, 0)
  beta[d] = Math.log(Math.max(pos, 0.5) / Math.max(n - pos, 0.5))
  const l2 = opts.l2 ?? 1 // in units of examples: a weak prior at this sample size
  const loss = (b: number[]): number => {
    let L = 0
    for (let i = 0; i < n; i++) {
      const o = i * D
      let s = 0
      for (let j = 0; j < D; j++) s += b[j] * Z[o + j]
      // log(1 + e^s) − y·s, computed without overflow
      L += (s > 0 ? s + Math.log1p(Math.exp(-s)) : Math.log1p(Math.exp(s))) - y[i] * s
    }
    for (let j = 0; j < d; j++) L += (l2 / 2) * b[j] * b[j]
    return L
  }
  for (let it = 0; it < (opts.iterations ?? 12); it++) {
    const g = new Array<number>(D).fill(0)
    const H = Array.from({ length: D }, () => new Array<number>(D).fill(0))
    for (let i = 0; i < n; i++) {
      const o = i * D
      let s = 0
      for (let j = 0; j < D; j++) s += beta[j] * Z[o + j]
      const p = sigmoid(s)
      const e = p - y[i]
      const w = Math.max(p * (1 - p), 1e-9)
      for (let j = 0; j < D; j++) {
        const zj = Z[o + j]
        g[j] += e * zj
        const wz = w * zj
        for (let k = 0; k <= j; k++) H[j][k] += wz * Z[o + k]
      }
    }
    for (let j = 0; j < D; j++) for (let k = j + 1; k < D; k++) H[j][k] = H[k][j]
    for (let j = 0; j < d; j++) {
      g[j] += l2 * beta[j]
      H[j][j] += l2
    }
    const step = solve(H, g)
    // Backtracking: halve the Newton step until the penalized loss goes down (near-separable features overshoot).
    const before = loss(beta)
    let t = 1
    let next = beta.map((b, j) => b - step[j])
    while (loss(next) > before && t > 1e-4) {
      t /= 2
      next = beta.map((b, j) => b - t * step[j])
    }
    const moved = Math.max(...next.map((b, j) => Math.abs(b - beta[j])))
    for (let j = 0; j < D; j++) beta[j] = next[j]
    if (moved < 1e-6) break
  }
  return { features, mean, std, w: beta.slice(0, d), bias: beta[d] }
}

/** The logit as a linear function of the raw features: bias + Σ coef·x (lets SQL score lines without a round trip). */
export function rawCoefficients(m: Model): { intercept: number; coef: number[] } {
  const coef = m.w.map((w, j) => w / m.std[j])
  const intercept = m.bias - coef.reduce((a, c, j) => a + c * m.mean[j], 0)
  return { intercept, coef }
}

export function predict(m: Model, x: number[]): number {
  let s = m.bias
  for (let j = 0; j < x.length; j++) s += (m.w[j] * (x[j] - m.mean[j])) / m.std[j]
  return sigmoid(s)
}

/** ROC AUC by the rank-sum (Mann–Whitney) formula, ties counted half. */
export function auc(scores: number[], y: number[]): number {
  const idx = scores.map((s, i) => [s, y[i]] as const).sort((a, b) => a[0] - b[0])
  let rankSumPos = 0
  let pos = 0
  let i = 0
  while (i < idx.length) {
    let j = i
    while (j + 1 < idx.length && idx[j + 1][0] === idx[i][0]) j++
    const avgRank = (i + j) / 2 + 1
    for (let k = i; k <= j; k++) if (idx[k][1] === 1) {
      rankSumPos += avgRank
      pos++
    }
    i = j + 1
  }
  const neg = idx.length - pos
  if (pos === 0 || neg === 0) return 0.5
  return (rankSumPos - (pos * (pos + 1)) / 2) / (pos * neg)
}

export function precisionAtK(scores: number[], y: number[], k: number): number {
  if (k <= 0) return 0
  const order = scores.map((s, i) => [s, i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1])
  let hits = 0
  for (let r = 0; r < Math.min(k, order.length); r++) hits += y[order[r][1]]
  return hits / Math.min(k, order.length)
}

export function accuracy(scores: number[], y: number[], threshold = 0.5): number {
  if (scores.length === 0) return 0
  let ok = 0
  for (let i = 0; i < scores.length; i++) if ((scores[i] >= threshold ? 1 : 0) === y[i]) ok++
  return ok / scores.length
}
