/**
 * One Content-Security-Policy for the renderer in development and in the build (Vite plugins for
 * electron.vite.config.ts): index.html carries it as a meta tag in both, and the dev server sends
 * it as a header, as the packaged app's app:// handler does.
 */
import react from '@vitejs/plugin-react'
import type { Plugin } from 'vite'
import { CSP_NONCE_PLACEHOLDER, contentSecurityPolicy as policyWithNonce, metaContentSecurityPolicy } from '../../src-shared/security/csp'

/** plugin-react's virtual module holding the refresh preamble, for pages it cannot inline into. */
const REFRESH_PREAMBLE_MODULE = '@vitejs/plugin-react/preamble'

export function contentSecurityPolicy(): Plugin[] {
  return [policyInHtmlAndHeaders(), refreshPreambleAsModule()]
}

function policyInHtmlAndHeaders(): Plugin {
  // The dev server sends the page as it is, placeholder and all, so the placeholder is its nonce;
  // the packaged app and `govern serve` put a fresh one in its place each time they serve the page.
  const headers = { 'Content-Security-Policy': policyWithNonce(CSP_NONCE_PLACEHOLDER) }
  return {
    name: 'governance-console-csp',
    config: () => ({ server: { headers }, preview: { headers } }),
    transformIndexHtml: () => [
      { tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: metaContentSecurityPolicy(CSP_NONCE_PLACEHOLDER) }, injectTo: 'head-prepend' },
      // Where Mantine (getStyleNonce) and Vite's client (its CSS in development) read the nonce.
      { tag: 'meta', attrs: { property: 'csp-nonce', nonce: CSP_NONCE_PLACEHOLDER }, injectTo: 'head-prepend' },
    ],
  }
}

/**
 * In development plugin-react inlines React Refresh's preamble into index.html, which
 * `script-src 'self'` rightly blocks. The same code is served as a module from the dev server
 * instead, so the policy needs no exception for development.
 */
function refreshPreambleAsModule(): Plugin {
  let base = '/'
  return {
    name: 'governance-console-refresh-preamble-as-module',
    apply: 'serve',
    configResolved: (config) => {
      base = config.base
    },
    transformIndexHtml: { order: 'post', handler: (html) => moveRefreshPreambleToModule(html, base) },
  }
}

export function moveRefreshPreambleToModule(html: string, base: string): string {
  const inline = `<script type="module">${react.preambleCode.replace('__BASE__', base)}</script>`
  return html.replace(inline, `<script type="module" src="${base}@id/${REFRESH_PREAMBLE_MODULE}"></script>`)
}
