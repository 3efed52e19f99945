import { describe, expect, it } from 'vitest'
import { hostCheckFor, isLoopbackBind, parseAllowedHosts, type HostCheck } from './host-check'

function checkFor(bindHost: string, allowedHosts: string[] = []): HostCheck {
  const check = hostCheckFor(bindHost, allowedHosts)
  if (!check.ok) throw new Error(check.message)
  return check.value
}

describe('the Host check', () => {
  it('knows which bind addresses keep the server on this computer', () => {
    for (const host of ['127.0.0.1', '127.0.0.2', 'localhost', '::1']) expect(isLoopbackBind(host)).toBe(true)
    for (const host of ['0.0.0.0', '::', '10.0.0.5', '127.example.com', 'governance.example.com']) expect(isLoopbackBind(host)).toBe(false)
  })

  it('answers on loopback to the loopback names only, with or without a port', () => {
    const check = checkFor('127.0.0.1')
    for (const host of ['127.0.0.1:4780', 'localhost:4780', 'LOCALHOST', '[::1]:4780', '127.0.0.1']) expect(check.accepts(host)).toBe(true)
    for (const host of ['attacker.example', 'attacker.example:4780', '127.0.0.1.attacker.example', '', undefined, 'localhost/evil', 'a@localhost']) {
      expect(check.accepts(host)).toBe(false)
    }
  })

  it('answers to the loopback address it is bound to', () => {
    expect(checkFor('127.0.0.2').accepts('127.0.0.2:4780')).toBe(true)
  })

  it('refuses to bind beyond loopback without a list of allowed host names', () => {
    for (const host of ['0.0.0.0', '::', '10.0.0.5']) {
      expect(hostCheckFor(host, [])).toEqual({ ok: false, message: expect.stringContaining('must be listed') })
    }
  })

  it('answers beyond loopback to exactly the allowed names and loopback, case-insensitively, with or without a port', () => {
    const check = checkFor('0.0.0.0', ['governance.example.com', '10.0.0.5', 'fd00::5'])
    for (const host of ['governance.example.com', 'Governance.Example.COM:4780', '10.0.0.5:4780', '[fd00::5]:4780', '[FD00:0::5]', 'localhost:4780']) {
      expect(check.accepts(host)).toBe(true)
    }
    for (const host of ['example.com', 'evil.governance.example.com', 'governance.example.com.evil', '10.0.0.6', '[fd00::6]']) {
      expect(check.accepts(host)).toBe(false)
    }
  })

  it('prints links with the first allowed name beyond loopback, and the bound address on it', () => {
    expect(checkFor('0.0.0.0', ['Governance.Example.com', '10.0.0.5']).linkHost).toBe('governance.example.com')
    expect(checkFor('::', ['fd00::5']).linkHost).toBe('[fd00::5]')
    expect(checkFor('127.0.0.1', ['governance.example.com']).linkHost).toBe('127.0.0.1')
    expect(checkFor('::1').linkHost).toBe('[::1]')
  })
})

describe('the list of allowed host names', () => {
  it('reads names and addresses separated by commas', () => {
    expect(parseAllowedHosts('governance.example.com, 10.0.0.5,[::1],fd00::5,')).toEqual({
      ok: true,
      value: ['governance.example.com', '10.0.0.5', '[::1]', '[fd00::5]'],
    })
  })

  it('refuses schemes, ports, paths, wildcards and an empty list, naming the entry', () => {
    for (const entry of ['https://governance.example.com', 'governance.example.com:8443', 'example.com/console', '*', '*.example.com', 'a b']) {
      expect(parseAllowedHosts(`ok.example.com,${entry}`)).toEqual({ ok: false, message: expect.stringContaining(`"${entry}"`) })
    }
    expect(parseAllowedHosts(' , ')).toEqual({ ok: false, message: expect.stringContaining('at least one') })
  })
})
