import { join, relative, sep } from 'node:path'
import { describe, expect, it } from 'vitest'
import { CONTENT_SECURITY_POLICY, CSP_NONCE_PLACEHOLDER } from '../../src-shared/security/csp'
import { APP_SCHEME_PRIVILEGES, CONSOLE_URL, createAppProtocolHandler, resolveRendererFile } from './app-protocol'

const ROOT = join(sep, 'opt', 'governance-console', 'out', 'renderer')
const resolve = (url: string) => resolveRendererFile(url, ROOT)
const isInsideRoot = (path: string) => {
  const inside = relative(ROOT, path)
  return inside !== '' && !inside.startsWith('..')
}

describe('resolving an app:// request to a renderer file', () => {
  it('serves index.html for the console’s root, with or without the slash, ignoring query and hash', () => {
    for (const url of [CONSOLE_URL, 'app://console', 'app://console/?from=tray', 'app://console/#/policies']) {
      expect(resolve(url)).toEqual({ path: join(ROOT, 'index.html'), contentType: 'text/html; charset=utf-8' })
    }
  })

  it('serves the built assets with their content types', () => {
    expect(resolve('app://console/assets/index-B1x_9a.js')).toEqual({ path: join(ROOT, 'assets', 'index-B1x_9a.js'), contentType: 'text/javascript; charset=utf-8' })
    expect(resolve('app://console/assets/index-C2d.css')?.contentType).toBe('text/css; charset=utf-8')
    expect(resolve('app://console/assets/logo.svg')?.contentType).toBe('image/svg+xml')
    expect(resolve('app://console/assets/font.woff2')?.contentType).toBe('font/woff2')
    expect(resolve('app://console/icon.PNG')?.contentType).toBe('image/png')
  })

  it('decodes percent-encoded names once', () => {
    expect(resolve('app://console/assets/my%20chart.svg')?.path).toBe(join(ROOT, 'assets', 'my chart.svg'))
  })

  it('refuses a path that climbs out of the renderer folder', () => {
    // The URL parser already folds literal and %2e dot segments, so these stay inside the folder...
    for (const url of ['app://console/../../etc/passwd.js', 'app://console/assets/%2e%2e/%2E%2E/%2e%2e/secret.json', 'app://console/a/./../../b.js', 'app://console/%2e%2e']) {
      const file = resolve(url)
      expect(file === undefined || isInsideRoot(file.path), url).toBe(true)
    }
    // ...while anything that would only become a separator or a dot name once decoded is refused.
    for (const url of [
      'app://console/..%2f..%2fetc%2fpasswd.js',
      'app://console/..%2F..%2Fetc%2Fpasswd.js',
      'app://console/assets%2f..%2f..%2fmain%2findex.js',
      'app://console/..%5c..%5cwindows%5cwin.ini.js',
      'app://console/..\\..\\etc\\passwd.js',
      'app://console/assets/%2e%2e%2f%2e%2e%2fsecret.json',
    ]) {
      expect(resolve(url), url).toBeUndefined()
    }
  })

  it('refuses absolute paths, drive letters and empty segments', () => {
    for (const url of [
      'app://console//etc/passwd.js',
      'app://console/%2fetc%2fpasswd.js',
      'app://console/C:/Windows/win.ini.js',
      'app://console/C%3a%5cWindows%5cwin.ini.js',
      'app://console/assets/',
      'app://console/assets//index.js',
    ]) {
      expect(resolve(url), url).toBeUndefined()
    }
  })

  it('refuses hidden files, control characters and names encoded twice', () => {
    for (const url of ['app://console/.env.json', 'app://console/assets/.hidden.js', 'app://console/index%00.html', 'app://console/%252e%252e%252fsecret.js', 'app://console/bad%E0%A4%A.js']) {
      expect(resolve(url), url).toBeUndefined()
    }
  })

  it('refuses files of a type the renderer does not ship', () => {
    for (const url of ['app://console/main.ts', 'app://console/assets/index.js.map', 'app://console/README', 'app://console/x.constructor', 'app://console/x.__proto__', 'app://console/db.sqlite']) {
      expect(resolve(url), url).toBeUndefined()
    }
  })

  it('refuses any other host, port, user or scheme', () => {
    for (const url of [
      'app://evil/index.html',
      'app://console.evil.example/index.html',
      'app://CONSOLE-2/index.html',
      'app://console:8080/index.html',
      'app://user:secret@console/index.html',
      'file:///opt/governance-console/out/renderer/index.html',
      'https://console/index.html',
      'not a url',
    ]) {
      expect(resolve(url), url).toBeUndefined()
    }
  })

  it('registers the scheme as standard, secure and fetchable, and grants nothing else', () => {
    expect(APP_SCHEME_PRIVILEGES).toEqual({ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } })
  })
})

describe('the app:// protocol handler', () => {
  const page = `<!doctype html><meta property="csp-nonce" nonce="${CSP_NONCE_PLACEHOLDER}"><title>Console</title>`
  const files = new Map([[join(ROOT, 'index.html'), page], [join(ROOT, 'assets', 'index.js'), 'export {}']])
  const readFile = async (path: string) => {
    const text = files.get(path)
    if (text === undefined) throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' })
    return new TextEncoder().encode(text)
  }
  const handle = createAppProtocolHandler(ROOT, readFile)

  it('answers with the file, its type and the Content-Security-Policy header', async () => {
    const response = await handle({ url: 'app://console/assets/index.js', method: 'GET' })
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8')
    expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY)
    expect(response.headers.get('x-content-type-options')).toBe('nosniff')
    expect(await response.text()).toBe('export {}')
  })

  it('serves the page with a fresh style nonce each time, the same in its meta tag and its policy, and no inline styles otherwise', async () => {
    const nonces: string[] = []
    for (let serving = 0; serving < 2; serving++) {
      const response = await handle({ url: CONSOLE_URL, method: 'GET' })
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8')
      const policy = response.headers.get('content-security-policy') ?? ''
      const nonce = /style-src 'self' 'nonce-([A-Za-z0-9+/]{22}==)'/.exec(policy)?.[1]
      expect(nonce, policy).toBeDefined()
      expect(policy).toContain("style-src-attr 'unsafe-inline'")
      expect(policy).not.toMatch(/style-src [^;]*'unsafe-inline'/)
      expect(await response.text()).toBe(`<!doctype html><meta property="csp-nonce" nonce="${nonce}"><title>Console</title>`)
      nonces.push(nonce!)
    }
    expect(nonces[0]).not.toBe(nonces[1])
  })

  it('answers 404, still under the policy, for a file that is not in the build', async () => {
    const response = await handle({ url: 'app://console/assets/missing.js', method: 'GET' })
    expect(response.status).toBe(404)
    expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY)
  })

  it('answers 404 without reading the disk for a request it refuses', async () => {
    const read: string[] = []
    const guarded = createAppProtocolHandler(ROOT, async (path) => {
      read.push(path)
      return readFile(path)
    })
    expect((await guarded({ url: 'app://console/..%2f..%2fmain%2findex.js', method: 'GET' })).status).toBe(404)
    expect((await guarded({ url: 'app://other/index.html', method: 'GET' })).status).toBe(404)
    expect(read).toEqual([])
  })

  it('answers HEAD without a body and refuses other methods', async () => {
    const head = await handle({ url: 'app://console/assets/index.js', method: 'HEAD' })
    expect(head.status).toBe(200)
    expect(head.headers.get('content-type')).toBe('text/javascript; charset=utf-8')
    expect(await head.text()).toBe('')
    const post = await handle({ url: CONSOLE_URL, method: 'POST' })
    expect(post.status).toBe(405)
    expect(post.headers.get('allow')).toBe('GET, HEAD')
  })
})
