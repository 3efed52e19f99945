import { describe, expect, it } from 'vitest'
import { foreignConsoleCall, isOwnOrigin } from './origin-check'

const host = '127.0.0.1:4780'
const post = (origin: string | undefined, fetchSite?: string) => foreignConsoleCall({ method: 'POST', host, origin, fetchSite })
const get = (origin: string | undefined, fetchSite?: string) => foreignConsoleCall({ method: 'GET', host, origin, fetchSite })

describe('the Origin check of cookie-authenticated console requests', () => {
  it('accepts the origin the request was addressed to, over http or https', () => {
    expect(isOwnOrigin('http://127.0.0.1:4780', host)).toBe(true)
    expect(isOwnOrigin('https://governance.example.com', 'Governance.example.com')).toBe(true)
    expect(isOwnOrigin('http://governance.example.com', 'governance.example.com:80')).toBe(true)
    expect(isOwnOrigin('http://[::1]:4780', '[::1]:4780')).toBe(true)
  })

  it('refuses another port, another name, a null origin and other schemes', () => {
    for (const origin of ['http://127.0.0.1:3000', 'http://localhost:4780', 'https://attacker.example', 'null', 'file://', 'http://127.0.0.1:4780/path', '']) {
      expect(isOwnOrigin(origin, host)).toBe(false)
    }
    expect(isOwnOrigin('http://127.0.0.1:4780', undefined)).toBe(false)
  })

  it('refuses a POST from another origin, naming it', () => {
    expect(post('http://localhost:3000')).toContain('http://localhost:3000')
    expect(post('http://127.0.0.1:4780')).toBeUndefined()
  })

  it('refuses a POST without Origin, which no browser sends', () => {
    expect(post(undefined, 'same-origin')).toContain('Origin')
  })

  it('accepts a GET without Origin unless the browser says another site started it', () => {
    expect(get(undefined)).toBeUndefined()
    expect(get(undefined, 'same-origin')).toBeUndefined()
    expect(get(undefined, 'none')).toBeUndefined()
    expect(get(undefined, 'same-site')).toContain('another site')
    expect(get(undefined, 'cross-site')).toContain('another site')
    expect(get('http://localhost:3000')).toContain('http://localhost:3000')
  })
})
