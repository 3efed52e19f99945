import { describe, expect, it } from 'vitest'
import { clientKeyOf } from './client-address'

describe('the client key failed sign-ins are counted under', () => {
  it('is the IPv4 address itself, also when it arrives IPv4-mapped', () => {
    expect(clientKeyOf('203.0.113.7')).toBe('203.0.113.7')
    expect(clientKeyOf('::ffff:203.0.113.7')).toBe('203.0.113.7')
    expect(clientKeyOf('::FFFF:127.0.0.1')).toBe('127.0.0.1')
  })

  it('is the /64 of an IPv6 address, however the address is written', () => {
    const key = '2001:db8:0:1::/64'
    expect(clientKeyOf('2001:db8:0:1::1')).toBe(key)
    expect(clientKeyOf('2001:0DB8:0000:0001:ffff:ffff:ffff:ffff')).toBe(key)
    expect(clientKeyOf('2001:db8:0:1:1:2:3:4%eth0')).toBe(key)
    expect(clientKeyOf('2001:db8:0:2::1')).not.toBe(key)
  })

  it('puts the IPv6 loopback and addresses that start with :: in their own /64', () => {
    expect(clientKeyOf('::1')).toBe('0:0:0:0::/64')
    expect(clientKeyOf('fe80::1')).toBe('fe80:0:0:0::/64')
    expect(clientKeyOf('64:ff9b::192.0.2.1')).toBe('64:ff9b:0:0::/64')
  })

  it('counts requests without a socket address together', () => {
    expect(clientKeyOf(undefined)).toBe('unknown')
    expect(clientKeyOf('')).toBe('unknown')
  })
})
