/**
 * The console's own origin, app://console: the built renderer (out/renderer) served through a
 * privileged custom scheme rather than file://, which Electron grants powers a web page should not
 * have. Kept free of Electron imports so the request-to-file rules are unit-tested.
 */
import { extname, isAbsolute, join, relative, sep } from 'node:path'
import { CONTENT_SECURITY_POLICY, contentSecurityPolicy, newStyleNonce, withStyleNonce } from '../../src-shared/security/csp'

export const APP_SCHEME = 'app'
/**
 * One fixed host names the origin the IPC sender check, the navigation guards and web storage key
 * on. Not `localhost`, which Chromium treats as a network address with rules of its own.
 */
export const APP_HOST = 'console'
export const CONSOLE_URL = `${APP_SCHEME}://${APP_HOST}/`

/**
 * For protocol.registerSchemesAsPrivileged, before the app is ready. Standard: an origin, relative
 * URLs and web storage like https; secure: a secure context; supportFetchAPI: module scripts and
 * fetch load from it. No CORS, service workers, CSP bypass or streaming: every request is
 * same-origin and the console uses none of them.
 */
export const APP_SCHEME_PRIVILEGES = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true },
}

/**
 * Only types the renderer build emits are served; anything else is refused rather than sent
 * with a guessed type. A Map, so a name like `x.constructor` finds nothing.
 */
const CONTENT_TYPES = new Map([
  ['.html', 'text/html; charset=utf-8'],
  ['.js', 'text/javascript; charset=utf-8'],
  ['.mjs', 'text/javascript; charset=utf-8'],
  ['.css', 'text/css; charset=utf-8'],
  ['.json', 'application/json; charset=utf-8'],
  ['.svg', 'image/svg+xml'],
  ['.png', 'image/png'],
  ['.jpg', 'image/jpeg'],
  ['.jpeg', 'image/jpeg'],
  ['.gif', 'image/gif'],
  ['.webp', 'image/webp'],
  ['.ico', 'image/x-icon'],
  ['.woff', 'font/woff'],
  ['.woff2', 'font/woff2'],
  ['.ttf', 'font/ttf'],
])

export interface RendererFile {
  path: string
  contentType: string
}

/**
 * Which file of the renderer folder answers a request URL, or undefined (a 404). Only
 * app://console is served; `/` is index.html. There is no fallback to index.html for unknown
 * paths: the console routes in the URL's hash, so every real page is `/`, and a fallback would
 * only turn a missing script into an HTML page served as 200.
 */
export function resolveRendererFile(requestUrl: string, rendererRoot: string): RendererFile | undefined {
  let url: URL
  try {
    url = new URL(requestUrl)
  } catch {
    return undefined
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST || url.username || url.password) return undefined

  const segments = url.pathname === '/' || url.pathname === '' ? ['index.html'] : url.pathname.slice(1).split('/').map(decodeSegment)
  if (!segments.every((segment): segment is string => segment !== undefined && isPlainName(segment))) return undefined

  const contentType = CONTENT_TYPES.get(extname(segments.at(-1) ?? '').toLowerCase())
  if (!contentType) return undefined

  // A second lock: whatever the name rules above might miss, nothing outside the folder is served.
  const path = join(rendererRoot, ...segments)
  const inside = relative(rendererRoot, path)
  if (inside === '' || isAbsolute(inside) || inside.split(sep)[0] === '..') return undefined
  return { path, contentType }
}

function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment)
  } catch {
    return undefined
  }
}

/**
 * A file or folder name and nothing more once decoded: no separators (an encoded `/` or `\` must
 * not become one), no drive letters or streams (`:`), no dot names (`..`, hidden files), no
 * empty segments (`//`, a trailing `/`), no control characters, and no `%` left over from
 * encoding twice.
 */
function isPlainName(segment: string): boolean {
  // oxlint-disable-next-line no-control-regex -- control characters are exactly what is refused
  return segment !== '' && !segment.startsWith('.') && !/[/\\:%\u0000-\u001f\u007f]/.test(segment)
}

const SECURITY_HEADERS = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
}

/** The part of a fetch Request the handler reads (Electron's protocol.handle passes a whole one). */
export interface AppRequest {
  url: string
  method: string
}

/**
 * The protocol.handle handler for app://: files from the renderer folder with their type and the
 * console's Content-Security-Policy as a header (the page also carries it as a meta tag).
 */
export function createAppProtocolHandler(
  rendererRoot: string,
  readFile: (path: string) => Promise<Uint8Array<ArrayBuffer>>,
): (request: AppRequest) => Promise<Response> {
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return new Response('Method not allowed', { status: 405, headers: { ...SECURITY_HEADERS, Allow: 'GET, HEAD', 'Content-Type': 'text/plain' } })
    }
    const notFound = () => new Response('Not found', { status: 404, headers: { ...SECURITY_HEADERS, 'Content-Type': 'text/plain' } })
    const file = resolveRendererFile(request.url, rendererRoot)
    if (!file) return notFound()
    let body: Uint8Array<ArrayBuffer>
    try {
      body = await readFile(file.path)
    } catch {
      return notFound()
    }
    if (file.contentType.startsWith('text/html')) {
      // The page: a fresh style nonce each time it is served, in its meta tags and in the header.
      const nonce = newStyleNonce()
      const page = withStyleNonce(new TextDecoder().decode(body), nonce)
      const headers = { ...SECURITY_HEADERS, 'Content-Security-Policy': contentSecurityPolicy(nonce), 'Content-Type': file.contentType }
      return new Response(request.method === 'HEAD' ? null : page, { status: 200, headers })
    }
    return new Response(request.method === 'HEAD' ? null : body, { status: 200, headers: { ...SECURITY_HEADERS, 'Content-Type': file.contentType } })
  }
}
