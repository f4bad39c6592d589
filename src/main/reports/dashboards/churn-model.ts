// A small logistic regression, trained by full-batch gradient descent on standardized features with L2 shrinkage, and
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
  iterations?: number
  learningRate?: number
  l2?: number
}

export function train(features: string[], X: number[][], y: number[], opts: TrainOptions = {}): Model {
  const n = X.length
  const d = features.length
  const mean = new Array<number>(d).fill(0)
  const std = new Array<number>(d).fill(0)
  for (const row of X) for (let j = 0; j < d; j++) mean[j] += row[j] / n
  for (const row of X) for (let j = 0; j < d; j++) std[j] += (row[j] - mean[j]) ** 2 / n
  for (let j = 0; j < d; j++) std[j] = Math.sqrt(std[j]) || 1
  const Z = X.map((row) => row.map((v, j) => (v - mean[j]) / std[j]))
  const w = new Array<number>(d).fill(0)
  const pos = y.reduce((a, b) => a + b, 0)
  // start at the base rate so the first steps learn the features, not the intercept
  let bias = Math.log(Math.max(pos, 0.5) / Math.max(n - pos, 0.5))
  const iterations = opts.iterations ?? 400
  const lr = opts.learningRate ?? 0.5
  const l2 = opts.l2 ?? 1e-3
  const grad = new Array<number>(d)
  for (let it = 0; it < iterations; it++) {
    grad.fill(0)
    let gb = 0
    for (let i = 0; i < n; i++) {
      const zi = Z[i]
      let s = bias
      for (let j = 0; j < d; j++) s += w[j] * zi[j]
      const e = sigmoid(s) - y[i]
      gb += e
      for (let j = 0; j < d; j++) grad[j] += e * zi[j]
    }
    for (let j = 0; j < d; j++) w[j] -= lr * (grad[j] / n + l2 * w[j])
    bias -= lr * (gb / n)
  }
  return { features, mean, std, w, bias }
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
