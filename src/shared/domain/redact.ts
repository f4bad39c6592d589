// Secrets never shown: a database URL's password (in its userinfo or as `?password=`), a token in a query string. The
// status bar, the Sync settings, logs and error messages show `postgres://user:***@host/db` instead; the URL itself is
// kept only in the secret store.

/** Query parameters whose value is a credential (libpq's password and sslpassword, API tokens and keys). */
const SECRET_PARAMS = /^(password|pass|passwd|pwd|sslpassword|token|access_token|refresh_token|apikey|api_key|key|secret)$/i

export const REDACTED = '***'

/** The URL with its password and any credential parameter replaced by `***`; text that is not a URL shows nothing. */
export function redactUrl(url: string): string {
  let u: URL
  try {
    u = new URL(url)
  } catch {
    // not a URL: show none of it, it may hold a password
    return 'postgres://…'
  }
  if (u.password) u.password = REDACTED
  for (const key of [...u.searchParams.keys()]) if (SECRET_PARAMS.test(key)) u.searchParams.set(key, REDACTED)
  // URLSearchParams percent-encodes the mask; show it as typed
  return u.toString().replace(/%2A%2A%2A/g, REDACTED)
}

/**
 * Every URL credential inside free text (an error message, a log line) masked: `scheme://user:password@` and
 * `password=…` / `token=…` parameters, in URLs, query strings and libpq key=value strings alike.
 */
export function redactText(text: string): string {
  return text
    .replace(/([a-z][a-z0-9+.-]*:\/\/[^\s/:@"']*:)[^\s/@"']*@/gi, `$1${REDACTED}@`)
    .replace(/(^|[?&\s"',;])((?:password|pass|passwd|pwd|sslpassword|token|access_token|refresh_token|apikey|api_key|secret)=)[^&\s"',;]*/gi, `$1$2${REDACTED}`)
}
