// Secrets never reach a log line: every line any logger of this process writes (the workers' and children's records are
// relayed through it too) passes through scrubSecrets. Known secrets (web mode's per-run token) are registered while
// they live; URL credentials (`postgres://user:pw@`, `?password=`, `?token=`) are masked wherever they appear.
import { REDACTED, redactText } from '../../shared/domain/redact'

const secrets = new Set<string>()

/** Masks `secret` in every log line (and in scrubSecrets) until the returned function is called. */
export function addLogSecret(secret: string): () => void {
  // a short secret would mask ordinary words; web mode's token is 32 characters
  if (secret.length < 8) return () => undefined
  secrets.add(secret)
  return () => secrets.delete(secret)
}

/** The text with every registered secret and every URL credential masked. */
export function scrubSecrets(text: string): string {
  let out = redactText(text)
  for (const s of secrets) if (out.includes(s)) out = out.split(s).join(REDACTED)
  return out
}

/** Fields masked by key in every record (pino redact paths), whatever their value. */
export const REDACT_PATHS = ['token', '*.token', 'password', '*.password', 'headers["x-wingtel-token"]', '*.headers["x-wingtel-token"]', 'headers.authorization', '*.headers.authorization']
