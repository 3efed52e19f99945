/**
 * Judging webhook destinations, with a resolver given answers by hand: private and metadata
 * addresses are only ever named here, never connected to.
 */
import { describe, expect, it } from 'vitest'
import { EngineError } from '../errors'
import { NameUnresolved, WebhookAllowList, WebhookDestinations, type ResolveHost, type ResolvedAddress } from './destinations'

/** Answers from a table, and names it does not know as the system would: ENOTFOUND. */
function resolverOf(table: Record<string, ResolvedAddress[]>): ResolveHost & { asked: string[] } {
  const asked: string[] = []
  const resolve = async (hostname: string) => {
    asked.push(hostname)
    const found = table[hostname]
    if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' })
    return found
  }
  return Object.assign(resolve, { asked })
}

const v4 = (address: string): ResolvedAddress => ({ address, family: 4 })
const v6 = (address: string): ResolvedAddress => ({ address, family: 6 })

const names = resolverOf({
  'hooks.slack.com': [v4('52.1.2.3'), v6('2600:1f18::1')],
  'relay.corp.example': [v4('10.20.0.7')],
  'split.example': [v4('52.1.2.4'), v4('192.168.0.9')],
  'metadata.example': [v4('169.254.169.254')],
  'six.example': [v6('fd12::7')],
})

async function refusalAtSave(destinations: WebhookDestinations, url: string): Promise<EngineError> {
  const error = await destinations.checkAtSave(url).then(
    () => undefined,
    (thrown: unknown) => thrown,
  )
  if (!(error instanceof EngineError)) throw new Error(`${url} was accepted`)
  return error
}

describe('a webhook being saved', () => {
  const destinations = new WebhookDestinations(WebhookAllowList.EMPTY, names)

  it.each([
    ['http://127.0.0.1:8080/hook', '127.0.0.1 is a loopback address'],
    ['http://2130706433/hook', '127.0.0.1 is a loopback address'],
    ['http://10.0.0.8/hook', '10.0.0.8 is a private (RFC 1918) address'],
    ['https://192.168.1.1/hook', '192.168.1.1 is a private (RFC 1918) address'],
    ['http://169.254.169.254/latest/meta-data/', '169.254.169.254 is a link-local (cloud metadata) address'],
    ['http://0.0.0.0:4780/', '0.0.0.0 is an unspecified ("this network") address'],
    ['http://[::1]:8080/hook', '::1 is an unspecified, loopback or IPv4-compatible address'],
    ['http://[fd00::5]/hook', 'fd00::5 is a unique local (private) address'],
    ['http://[fe80::1]/hook', 'fe80::1 is a link-local address'],
    ['http://[::ffff:169.254.169.254]/', '::ffff:a9fe:a9fe is a link-local (cloud metadata) address (169.254.169.254, carried in IPv6)'],
  ])('refuses %s, naming the field and the address', async (url, why) => {
    const error = await refusalAtSave(destinations, url)
    expect(error).toMatchObject({ code: 'invalid_input', field: 'notification_webhook' })
    expect(error.message).toBe(
      `notification_webhook: ${why}; alerts are not sent inside this computer or its network (the operator can allow it with \`govern serve --webhook-allow HOST-OR-CIDR\` or GOVERN_WEBHOOK_ALLOW)`,
    )
  })

  it('refuses a name when any address it resolves to is inside', async () => {
    expect((await refusalAtSave(destinations, 'https://relay.corp.example/hook')).message).toContain('relay.corp.example resolves to 10.20.0.7, a private (RFC 1918) address')
    expect((await refusalAtSave(destinations, 'https://split.example/hook')).message).toContain('split.example resolves to 192.168.0.9, a private (RFC 1918) address')
    expect((await refusalAtSave(destinations, 'https://metadata.example/')).message).toContain('metadata.example resolves to 169.254.169.254, a link-local (cloud metadata) address')
    expect((await refusalAtSave(destinations, 'https://six.example/')).message).toContain('six.example resolves to fd12::7, a unique local (private) address')
  })

  it('accepts a name resolving outside, and one that does not resolve now (offline), to be judged again at every send', async () => {
    await expect(destinations.checkAtSave('https://hooks.slack.com/services/T0/B0/x')).resolves.toBeUndefined()
    await expect(destinations.checkAtSave('https://offline.example/hook')).resolves.toBeUndefined()
    await expect(destinations.addressesFor('offline.example')).rejects.toBeInstanceOf(NameUnresolved)
    await expect(destinations.checkAtSave(null)).resolves.toBeUndefined()
  })

  it('accepts what the allow-list names: a name whatever it resolves to, an address, a range', async () => {
    const allowed = new WebhookDestinations(WebhookAllowList.of(['Relay.Corp.Example', '127.0.0.1', 'fd00::/8,192.168.0.0/16']), names)
    const asked = names.asked.length
    await expect(allowed.checkAtSave('https://relay.corp.example/hook')).resolves.toBeUndefined()
    // A name the operator trusts is not even looked up.
    expect(names.asked.length).toBe(asked)
    await expect(allowed.checkAtSave('http://127.0.0.1:9000/')).resolves.toBeUndefined()
    await expect(allowed.checkAtSave('http://[fd00::5]/')).resolves.toBeUndefined()
    await expect(allowed.checkAtSave('https://split.example/')).resolves.toBeUndefined()
    // Only what it names: another loopback address, or a name resolving into an unlisted range.
    expect((await refusalAtSave(allowed, 'http://127.0.0.2/')).message).toContain('127.0.0.2 is a loopback address')
    expect((await refusalAtSave(allowed, 'http://metadata.example/')).message).toContain('169.254.169.254')
  })
})

describe('the addresses a delivery connects to', () => {
  it('are every address the name resolves to, when all are outside', async () => {
    const destinations = new WebhookDestinations(WebhookAllowList.EMPTY, names)
    expect(await destinations.addressesFor('hooks.slack.com')).toEqual([v4('52.1.2.3'), v6('2600:1f18::1')])
    expect(await destinations.addressesFor('[2606:4700::1111]')).toEqual([v6('2606:4700::1111')])
  })

  it('are refused for a name that resolves inside now, whatever it resolved to when saved', async () => {
    let answer = v4('52.1.2.5')
    const rebinding: ResolveHost = async () => [answer]
    const destinations = new WebhookDestinations(WebhookAllowList.EMPTY, rebinding)
    await destinations.checkAtSave('https://rebind.example/hook')
    answer = v4('127.0.0.1')
    await expect(destinations.addressesFor('rebind.example')).rejects.toThrow('rebind.example resolves to 127.0.0.1, a loopback address')
  })
})

describe('the allow-list', () => {
  it('takes names, addresses and ranges, repeated or comma-separated', () => {
    const parsed = WebhookAllowList.parse(['relay.corp.example, 10.0.0.0/8', '[fd00::1]', 'localhost.'])
    expect(parsed.ok && parsed.value.entries).toEqual(['relay.corp.example', '10.0.0.0/8', '[fd00::1]', 'localhost.'])
    if (!parsed.ok) return
    expect(parsed.value.allowsName('LOCALHOST')).toBe(true)
    expect(parsed.value.allowsAddress('10.200.3.4')).toBe(true)
    expect(parsed.value.allowsAddress('::ffff:10.200.3.4')).toBe(true)
    expect(parsed.value.allowsAddress('fd00::1')).toBe(true)
    expect(parsed.value.allowsAddress('fd00::2')).toBe(false)
    expect(parsed.value.allowsAddress('11.0.0.1')).toBe(false)
  })

  it.each([
    ['http://relay.corp.example', '"http://relay.corp.example" is not a host name, an IP address or a CIDR range (e.g. relay.corp.example, 10.0.0.5, 10.0.0.0/8)'],
    ['10.0.0.0/33', '"10.0.0.0/33" is not a CIDR range: write an address, a slash and a prefix length of at most 32 bits, e.g. 10.0.0.0/8 or fd00::/8'],
    ['fd00::/200', '"fd00::/200" is not a CIDR range: write an address, a slash and a prefix length of at most 128 bits, e.g. 10.0.0.0/8 or fd00::/8'],
    ['relay/8', '"relay/8" is not a host name, an IP address or a CIDR range (e.g. relay.corp.example, 10.0.0.5, 10.0.0.0/8)'],
    ['10.0.0.0/8/8', '"10.0.0.0/8/8" is not a CIDR range: write an address, a slash and a prefix length of at most 32 bits, e.g. 10.0.0.0/8 or fd00::/8'],
  ])('refuses %s, saying what it should be', (entry, message) => {
    expect(WebhookAllowList.parse([entry])).toEqual({ ok: false, message })
  })
})
