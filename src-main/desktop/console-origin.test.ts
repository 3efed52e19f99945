import { describe, expect, it } from 'vitest'
import { CONSOLE_URL } from './app-protocol'
import { createConsoleUrlCheck } from './console-origin'

describe('recognising the console’s own URLs', () => {
  const packaged = createConsoleUrlCheck()
  const development = createConsoleUrlCheck('http://localhost:5173')

  it('accepts the app://console origin, whatever the path, query or hash', () => {
    for (const url of [CONSOLE_URL, 'app://console', 'app://console/#/applications', 'app://console/index.html?x=1']) {
      expect(packaged(url), url).toBe(true)
      expect(development(url), url).toBe(true)
    }
  })

  it('refuses other hosts, ports, users and schemes', () => {
    for (const url of [
      'app://evil/',
      'app://console.evil.example/',
      'app://console:444/',
      'app://me@console/',
      'https://console/',
      'file:///opt/governance-console/out/renderer/index.html',
      'about:blank',
      'javascript:alert(1)',
      'data:text/html,<script>alert(1)</script>',
    ]) {
      expect(packaged(url), url).toBe(false)
    }
  })

  it('refuses what is not a URL instead of throwing', () => {
    expect(packaged('')).toBe(false)
    expect(packaged('::not a url')).toBe(false)
  })

  it('accepts the dev server origin only in development, and only that origin', () => {
    expect(development('http://localhost:5173/')).toBe(true)
    expect(development('http://localhost:5173/src/main.tsx')).toBe(true)
    expect(packaged('http://localhost:5173/')).toBe(false)
    for (const url of ['http://localhost:5174/', 'http://127.0.0.1:5173/', 'https://localhost:5173/', 'http://user@localhost:5173/', 'http://localhost.evil.example:5173/']) {
      expect(development(url), url).toBe(false)
    }
  })
})
