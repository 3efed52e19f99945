/**
 * Which links the console may hand to the system browser (shell.openExternal): https only, to a
 * host the console itself links to, with no credentials and no port. Everything else is refused,
 * because openExternal passes the URL to the operating system, which runs any registered handler.
 */

/**
 * Hosts the console links to. None today: every link in the renderer is an in-app hash route. A
 * documentation or help link added to the UI adds its host here, and a case to the test.
 */
export const CONSOLE_LINK_HOSTS: readonly string[] = []

export function isAllowedExternalLink(candidate: string, allowedHosts: readonly string[] = CONSOLE_LINK_HOSTS): boolean {
  let url: URL
  try {
    url = new URL(candidate)
  } catch {
    return false
  }
  // The parser lower-cases the host and turns international names into punycode, so an exact match is safe.
  return url.protocol === 'https:' && !url.username && !url.password && url.port === '' && allowedHosts.includes(url.hostname)
}
