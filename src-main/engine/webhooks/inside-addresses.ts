/**
 * Which IP addresses are "inside": not reachable across the internet, so a webhook aimed at one
 * reaches this machine or its network (loopback, private, link-local, a cloud's metadata service)
 * rather than a receiver out there. The ranges are those IANA's special-purpose registries mark as
 * not globally reachable, and an IPv6 address carrying an IPv4 one (mapped, NAT64, 6to4) is judged
 * by the IPv4 address it carries.
 */
import { BlockList, isIPv4, isIPv6 } from 'node:net'

interface Range {
  prefix: string
  bits: number
  kind: string
}

const IPV4_INSIDE: readonly Range[] = [
  { prefix: '0.0.0.0', bits: 8, kind: 'an unspecified ("this network")' },
  { prefix: '10.0.0.0', bits: 8, kind: 'a private (RFC 1918)' },
  { prefix: '100.64.0.0', bits: 10, kind: 'a carrier-grade NAT (shared)' },
  { prefix: '127.0.0.0', bits: 8, kind: 'a loopback' },
  { prefix: '169.254.0.0', bits: 16, kind: 'a link-local (cloud metadata)' },
  { prefix: '172.16.0.0', bits: 12, kind: 'a private (RFC 1918)' },
  { prefix: '192.0.0.0', bits: 24, kind: 'an IETF protocol' },
  { prefix: '192.0.2.0', bits: 24, kind: 'a documentation' },
  { prefix: '192.168.0.0', bits: 16, kind: 'a private (RFC 1918)' },
  { prefix: '198.18.0.0', bits: 15, kind: 'a benchmarking' },
  { prefix: '198.51.100.0', bits: 24, kind: 'a documentation' },
  { prefix: '203.0.113.0', bits: 24, kind: 'a documentation' },
  { prefix: '224.0.0.0', bits: 4, kind: 'a multicast' },
  { prefix: '240.0.0.0', bits: 4, kind: 'a reserved (or broadcast)' },
]

const IPV6_INSIDE: readonly Range[] = [
  // The unspecified (::), loopback (::1) and deprecated IPv4-compatible addresses (::a.b.c.d).
  { prefix: '::', bits: 96, kind: 'an unspecified, loopback or IPv4-compatible' },
  { prefix: '64:ff9b:1::', bits: 48, kind: 'a local-use NAT64' },
  { prefix: '100::', bits: 64, kind: 'a discard-only' },
  { prefix: '2001::', bits: 23, kind: 'an IETF protocol (Teredo, ORCHID, benchmarking)' },
  { prefix: '2001:db8::', bits: 32, kind: 'a documentation' },
  { prefix: '3fff::', bits: 20, kind: 'a documentation' },
  { prefix: '5f00::', bits: 16, kind: 'a segment-routing' },
  { prefix: 'fc00::', bits: 7, kind: 'a unique local (private)' },
  { prefix: 'fe80::', bits: 10, kind: 'a link-local' },
  { prefix: 'fec0::', bits: 10, kind: 'a site-local' },
  { prefix: 'ff00::', bits: 8, kind: 'a multicast' },
]

/** One BlockList per range, so the answer can say which kind of address it is. */
const RANGES = [
  ...IPV4_INSIDE.map((range) => ({ ...range, family: 'ipv4' as const })),
  ...IPV6_INSIDE.map((range) => ({ ...range, family: 'ipv6' as const })),
].map((range) => {
  const list = new BlockList()
  list.addSubnet(range.prefix, range.bits, range.family)
  return { ...range, list }
})

/** An IPv6 address's eight groups as numbers; `address` must already be valid IPv6 without a zone. */
export function ipv6Groups(address: string): number[] {
  let text = address.toLowerCase()
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text)
  if (dotted) {
    const [a, b, c, d] = dotted[1]!.split('.').map(Number) as [number, number, number, number]
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`
  }
  const [head, tail] = text.split('::') as [string, string | undefined]
  const part = (side: string) => (side === '' ? [] : side.split(':').map((group) => parseInt(group, 16)))
  if (tail === undefined) return part(head)
  const front = part(head)
  const back = part(tail)
  return [...front, ...new Array<number>(8 - front.length - back.length).fill(0), ...back]
}

function ipv4From(high: number, low: number): string {
  return `${high >> 8}.${high & 0xff}.${low >> 8}.${low & 0xff}`
}

/**
 * The IPv4 address an IPv6 one stands for, where it carries one that routers act on: mapped
 * (::ffff:a.b.c.d), NAT64 (64:ff9b::a.b.c.d, translated to IPv4 by the network) and 6to4
 * (2002:aabb:ccdd::, tunnelled to a.b.c.d).
 */
export function embeddedIpv4(address: string): string | undefined {
  const groups = ipv6Groups(address)
  const zero = (from: number, to: number) => groups.slice(from, to).every((group) => group === 0)
  if (zero(0, 5) && groups[5] === 0xffff) return ipv4From(groups[6]!, groups[7]!)
  if (groups[0] === 0x64 && groups[1] === 0xff9b && zero(2, 6)) return ipv4From(groups[6]!, groups[7]!)
  if (groups[0] === 0x2002) return ipv4From(groups[1]!, groups[2]!)
  return undefined
}

/** Strips what a URL wraps an IPv6 address in, and a zone (`%eth0`), which names a link: inside. */
function bareAddress(address: string): { address: string; zoned: boolean } {
  const unwrapped = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address
  const zone = unwrapped.indexOf('%')
  return zone >= 0 ? { address: unwrapped.slice(0, zone), zoned: true } : { address: unwrapped, zoned: false }
}

/**
 * What kind of inside address `address` is ("a loopback address"), or undefined when it is
 * reachable across the internet. Anything that is not an IP address at all counts as inside: a
 * caller must only ever connect to what this has passed.
 */
export function insideKind(address: string): string | undefined {
  const { address: bare, zoned } = bareAddress(address)
  if (isIPv4(bare)) return RANGES.find((range) => range.family === 'ipv4' && range.list.check(bare, 'ipv4'))?.kind.concat(' address')
  if (!isIPv6(bare)) return 'not an IP address'
  if (zoned) return 'a link-local (zoned) address'
  const carried = embeddedIpv4(bare)
  if (carried !== undefined) {
    const kind = insideKind(carried)
    return kind === undefined ? undefined : `${kind} (${carried}, carried in IPv6)`
  }
  return RANGES.find((range) => range.family === 'ipv6' && range.list.check(bare, 'ipv6'))?.kind.concat(' address')
}
