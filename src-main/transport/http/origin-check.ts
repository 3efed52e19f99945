/**
 * Cookie-authenticated console requests must come from the console's own pages. The browser sends
 * the session cookie with any request to this server, including ones another page starts (a page
 * on another port of localhost is the same site, so SameSite=Strict does not stop it); Origin,
 * and Sec-Fetch-Site where Origin is absent, say who started the request.
 */

export interface RequestSource {
  method: string
  host: string | undefined
  origin: string | undefined
  /** The Sec-Fetch-Site header. */
  fetchSite: string | undefined
}

/** Whether an Origin header names the server the request was addressed to (http or https: a TLS proxy may front it). */
export function isOwnOrigin(origin: string, host: string | undefined): boolean {
  if (!host) return false
  try {
    const from = new URL(origin)
    if ((from.protocol !== 'http:' && from.protocol !== 'https:') || from.origin !== origin.toLowerCase()) return false
    return new URL(`${from.protocol}//${host}`).host === from.host
  } catch {
    return false
  }
}

/** Why a cookie-authenticated console call is refused, or undefined when it came from the console. */
export function foreignConsoleCall({ method, host, origin, fetchSite }: RequestSource): string | undefined {
  if (origin !== undefined) return isOwnOrigin(origin, host) ? undefined : foreignOriginMessage(origin)
  // Browsers send Origin with every POST; only a GET from the console's own page may come without it.
  if (method !== 'GET' && method !== 'HEAD') return 'Console calls must carry the Origin header that browsers send; use the console’s own pages.'
  if (fetchSite === 'cross-site' || fetchSite === 'same-site') return 'This request was started by another site; open the console’s own pages.'
  return undefined
}

export function foreignOriginMessage(origin: string): string {
  return `Requests from ${origin} are not accepted here; use the console’s own pages.`
}
