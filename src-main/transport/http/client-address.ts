/**
 * Which client a request comes from, for counting its failed sign-ins. Always the socket's peer:
 * a header such as X-Forwarded-For is whatever the client chooses to write, so trusting it would
 * let a guesser start afresh with every request.
 */
import { isIPv4, isIPv6 } from 'node:net'
import type { Context } from 'hono'

/** The peer's address as @hono/node-server hands it over; undefined outside a real socket. */
export function remoteAddressOf(c: Context): string | undefined {
  const bindings = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined
  return bindings?.incoming?.socket?.remoteAddress
}

/**
 * The key failures are counted under: an IPv4 address as it is, an IPv6 address by its /64, since
 * one subscriber usually holds a whole /64 and could otherwise take a fresh address for each guess.
 */
export function clientKeyOf(address: string | undefined): string {
  if (!address) return 'unknown'
  const mappedIpv4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1]
  if (mappedIpv4) return mappedIpv4
  const withoutZone = address.split('%')[0] ?? address
  if (isIPv4(withoutZone)) return withoutZone
  if (isIPv6(withoutZone)) return `${ipv6Groups(withoutZone).slice(0, 4).join(':')}::/64`
  return address
}

/** The eight 16-bit groups of an IPv6 address, in hex without leading zeros. */
function ipv6Groups(address: string): string[] {
  const [head = '', tail] = address.toLowerCase().split('::')
  // A trailing dotted IPv4 part stands for two groups.
  const groupsIn = (part: string) => (part === '' ? [] : part.split(':').flatMap((group) => (group.includes('.') ? ['0', '0'] : [group])))
  const before = groupsIn(head)
  const after = tail === undefined ? [] : groupsIn(tail)
  const zeros = Array<string>(Math.max(0, 8 - before.length - after.length)).fill('0')
  return [...before, ...zeros, ...after].map((group) => Number.parseInt(group, 16).toString(16))
}
