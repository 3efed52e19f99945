import { describe, expect, it } from 'vitest'
import { embeddedIpv4, insideKind, ipv6Groups } from './inside-addresses'

describe('addresses inside this computer or its network', () => {
  it.each([
    ['127.0.0.1', 'a loopback address'],
    ['127.255.0.9', 'a loopback address'],
    ['10.1.2.3', 'a private (RFC 1918) address'],
    ['172.16.0.1', 'a private (RFC 1918) address'],
    ['172.31.255.254', 'a private (RFC 1918) address'],
    ['192.168.1.10', 'a private (RFC 1918) address'],
    ['169.254.169.254', 'a link-local (cloud metadata) address'],
    ['100.64.0.1', 'a carrier-grade NAT (shared) address'],
    ['100.127.255.255', 'a carrier-grade NAT (shared) address'],
    ['0.0.0.0', 'an unspecified ("this network") address'],
    ['224.0.0.251', 'a multicast address'],
    ['255.255.255.255', 'a reserved (or broadcast) address'],
    ['192.0.0.170', 'an IETF protocol address'],
    ['198.18.0.1', 'a benchmarking address'],
    ['::1', 'an unspecified, loopback or IPv4-compatible address'],
    ['::', 'an unspecified, loopback or IPv4-compatible address'],
    ['[::1]', 'an unspecified, loopback or IPv4-compatible address'],
    ['fd00::5', 'a unique local (private) address'],
    ['fc12:3456::1', 'a unique local (private) address'],
    ['fe80::1', 'a link-local address'],
    ['fe80::1%eth0', 'a link-local (zoned) address'],
    ['ff02::1', 'a multicast address'],
    ['fec0::1', 'a site-local address'],
    ['2001:db8::1', 'a documentation address'],
    ['::ffff:127.0.0.1', 'a loopback address (127.0.0.1, carried in IPv6)'],
    ['::ffff:a9fe:a9fe', 'a link-local (cloud metadata) address (169.254.169.254, carried in IPv6)'],
    ['64:ff9b::7f00:1', 'a loopback address (127.0.0.1, carried in IPv6)'],
    ['64:ff9b::10.0.0.1', 'a private (RFC 1918) address (10.0.0.1, carried in IPv6)'],
    ['64:ff9b:1::1', 'a local-use NAT64 address'],
    ['2002:c0a8:0101::1', 'a private (RFC 1918) address (192.168.1.1, carried in IPv6)'],
    ['localhost', 'not an IP address'],
  ])('%s is %s', (address, kind) => {
    expect(insideKind(address)).toBe(kind)
  })

  it.each(['8.8.8.8', '93.184.215.14', '100.128.0.1', '172.32.0.1', '169.255.0.1', '2606:4700::1111', '2a00:1450:4001:80b::200e', '::ffff:8.8.8.8', '64:ff9b::808:808', '2002:0808:0808::1'])(
    '%s is outside',
    (address) => {
      expect(insideKind(address)).toBeUndefined()
    },
  )

  it('reads IPv6 groups written short, in full, and with an IPv4 tail', () => {
    expect(ipv6Groups('::1')).toEqual([0, 0, 0, 0, 0, 0, 0, 1])
    expect(ipv6Groups('fe80::1:2')).toEqual([0xfe80, 0, 0, 0, 0, 0, 1, 2])
    expect(ipv6Groups('1:2:3:4:5:6:7:8')).toEqual([1, 2, 3, 4, 5, 6, 7, 8])
    expect(ipv6Groups('::ffff:10.0.0.1')).toEqual([0, 0, 0, 0, 0, 0xffff, 0x0a00, 0x0001])
    expect(embeddedIpv4('2606:4700::1111')).toBeUndefined()
  })
})
