/**
 * The console's Content-Security-Policy, one definition for both homes of the UI: the desktop
 * window (as a meta tag in the built index.html) and the browser console (as a response header).
 * Scripts only from the app itself; Mantine sets inline styles, so styles allow 'unsafe-inline'.
 */
const DIRECTIVES = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
]

/** As an HTTP response header. */
export const CONTENT_SECURITY_POLICY = DIRECTIVES.join('; ')

/** As a meta tag, where browsers ignore (and complain about) frame-ancestors. */
export const META_CONTENT_SECURITY_POLICY = DIRECTIVES.filter((d) => !d.startsWith('frame-ancestors')).join('; ')
