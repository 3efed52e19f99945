import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import react from '@vitejs/plugin-react'
import { createServer, type UserConfig, type ViteDevServer } from 'vite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CSP_NONCE_PLACEHOLDER, contentSecurityPolicy, metaContentSecurityPolicy } from '../../src-shared/security/csp'
import electronViteConfig from '../../electron.vite.config'
import { moveRefreshPreambleToModule } from './renderer-csp-plugin'

/** Scripts written into the page itself, which `script-src 'self'` blocks. */
const inlineScripts = (html: string) => [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)].filter(([, attrs = '', body = '']) => !/\bsrc=/.test(attrs) && body.trim() !== '')

describe('React Refresh’s preamble under the Content-Security-Policy', () => {
  it('is moved from an inline script to a module the dev server serves', () => {
    const inline = `<script type="module">${react.preambleCode.replace('__BASE__', '/')}</script>`
    const html = `<html><head>\n  ${inline}\n</head><body></body></html>`
    expect(inlineScripts(html)).toHaveLength(1)
    const moved = moveRefreshPreambleToModule(html, '/')
    expect(inlineScripts(moved)).toEqual([])
    expect(moved).toContain('<script type="module" src="/@id/@vitejs/plugin-react/preamble"></script>')
  })

  it('leaves a page without the preamble as it was', () => {
    const html = '<html><head><script type="module" src="/main.tsx"></script></head></html>'
    expect(moveRefreshPreambleToModule(html, '/')).toBe(html)
  })
})

describe('the renderer’s dev server, as electron.vite.config.ts configures it', () => {
  const cacheDir = mkdtempSync(join(tmpdir(), 'govern-vite-'))
  let server: ViteDevServer
  let origin: string
  beforeAll(async () => {
    const renderer = electronViteConfig.renderer as UserConfig
    server = await createServer({
      ...renderer,
      configFile: false,
      logLevel: 'silent',
      // Its own cache, so the shared node_modules/.vite is left alone; no scan of the whole UI.
      cacheDir,
      optimizeDeps: { noDiscovery: true },
      server: { ...renderer.server, host: '127.0.0.1', port: 0 },
    })
    await server.listen()
    const address = server.httpServer?.address()
    if (!address || typeof address === 'string') throw new Error('the dev server has no port')
    origin = `http://127.0.0.1:${address.port}`
  })
  afterAll(async () => {
    await server?.close()
    rmSync(cacheDir, { recursive: true, force: true })
  })

  it('sends the console’s policy as a header and a meta tag, as the packaged app does', async () => {
    const response = await fetch(`${origin}/`)
    expect(response.headers.get('content-security-policy')).toBe(contentSecurityPolicy(CSP_NONCE_PLACEHOLDER))
    const html = await response.text()
    expect(html.replaceAll('&#39;', "'")).toContain(`<meta http-equiv="Content-Security-Policy" content="${metaContentSecurityPolicy(CSP_NONCE_PLACEHOLDER)}">`)
    expect(html).toContain(`<meta property="csp-nonce" nonce="${CSP_NONCE_PLACEHOLDER}">`)
  })

  it('serves a page with no inline script, React Refresh’s preamble included', async () => {
    const html = await (await fetch(`${origin}/`)).text()
    expect(inlineScripts(html).map(([script]) => script)).toEqual([])
    expect(html).toContain('src="/@id/@vitejs/plugin-react/preamble"')
    const preamble = await fetch(`${origin}/@id/@vitejs/plugin-react/preamble`)
    expect(preamble.status).toBe(200)
    expect(preamble.headers.get('content-type')).toMatch(/javascript/)
    expect(await preamble.text()).toContain('injectIntoGlobalHook(window)')
  })
})
