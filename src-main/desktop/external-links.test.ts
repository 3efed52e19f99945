import { describe, expect, it } from 'vitest'
import { CONSOLE_LINK_HOSTS, isAllowedExternalLink } from './external-links'

describe('links the console may open in the system browser', () => {
  const hosts = ['docs.governance-console.example']
  const allowed = (url: string) => isAllowedExternalLink(url, hosts)

  it('opens https links to a host on the list, whatever the path, query or hash', () => {
    for (const url of ['https://docs.governance-console.example/', 'https://docs.governance-console.example/policies?tab=1#thresholds', 'https://DOCS.governance-console.example/x', 'https://docs.governance-console.example:443/x']) {
      expect(allowed(url), url).toBe(true)
    }
  })

  it('refuses every scheme but https', () => {
    for (const url of [
      'http://docs.governance-console.example/',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'data:text/html,hi',
      'smb://docs.governance-console.example/share',
      'ms-msdt:/id PCWDiagnostic',
      'vscode://docs.governance-console.example/',
      'app://console/',
      'mailto:ana@example.com',
    ]) {
      expect(allowed(url), url).toBe(false)
    }
  })

  it('refuses hosts not on the list, including look-alikes', () => {
    for (const url of [
      'https://evil.example/',
      'https://docs.governance-console.example.evil.example/',
      'https://evil.example/docs.governance-console.example',
      'https://xdocs.governance-console.example/',
      'https://docs.governance-console.example./',
      'https://governance-console.example/',
    ]) {
      expect(allowed(url), url).toBe(false)
    }
  })

  it('refuses credentials and explicit ports in the URL', () => {
    for (const url of ['https://user:pass@docs.governance-console.example/', 'https://docs.governance-console.example@evil.example/', 'https://docs.governance-console.example:8443/']) {
      expect(allowed(url), url).toBe(false)
    }
  })

  it('refuses what is not a URL instead of throwing', () => {
    expect(allowed('')).toBe(false)
    expect(allowed('docs.governance-console.example')).toBe(false)
  })

  it('opens nothing today: the console links to no outside host', () => {
    expect(CONSOLE_LINK_HOSTS).toEqual([])
    expect(isAllowedExternalLink('https://docs.governance-console.example/')).toBe(false)
    expect(isAllowedExternalLink('https://github.com/')).toBe(false)
  })
})
