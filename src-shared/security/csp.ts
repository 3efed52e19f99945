/**
 * The console's Content-Security-Policy, one definition for both homes of the UI: the desktop
 * window (app://, header and meta tag) and the browser console (`govern serve`, likewise).
 * Scripts only from the app itself. Style elements only from the app or carrying the page's nonce:
 * Mantine writes its CSS variables, global classes and responsive styles into <style> elements at
 * run time, and stamps them with the nonce the page carries (MantineProvider's getStyleNonce), so
 * an element injected by anyone else is not applied. Style attributes stay allowed
 * (`style-src-attr 'unsafe-inline'`): echarts writes its tooltips as HTML with style attributes,
 * and an attribute can style only its own element, not read or restyle the page.
 */
const STYLE_NONCE = 'STYLE_NONCE'

/**
 * Stands in the built index.html (its meta tags) for the nonce: every serving of the page replaces
 * it with a fresh one (withStyleNonce), so no nonce is known before the page is. The dev server
 * alone serves it as it is.
 */
export const CSP_NONCE_PLACEHOLDER = 'CSP_NONCE_PLACEHOLDER'

const DIRECTIVES = [
  "default-src 'self'",
  "script-src 'self'",
  `style-src 'self' 'nonce-${STYLE_NONCE}'`,
  "style-src-attr 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
]

function directives(nonce: string | undefined): string[] {
  return DIRECTIVES.map((directive) => (nonce ? directive.replace(STYLE_NONCE, nonce) : directive.replace(` 'nonce-${STYLE_NONCE}'`, '')))
}

/** As an HTTP response header: for the page with its nonce; for anything else with none (no style element at all). */
export function contentSecurityPolicy(nonce?: string): string {
  return directives(nonce).join('; ')
}

/** For answers that are not the page. */
export const CONTENT_SECURITY_POLICY = contentSecurityPolicy()

/** As a meta tag, where browsers ignore (and complain about) frame-ancestors. */
export function metaContentSecurityPolicy(nonce: string): string {
  return directives(nonce)
    .filter((d) => !d.startsWith('frame-ancestors'))
    .join('; ')
}

/** A fresh nonce for one serving of the page: 128 random bits, base64. */
export function newStyleNonce(): string {
  return btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))))
}

/** The page as served once: its placeholder replaced by that serving's nonce. */
export function withStyleNonce(html: string, nonce: string): string {
  return html.replaceAll(CSP_NONCE_PLACEHOLDER, nonce)
}
