import { describe, expect, it } from 'vitest'
import { throughputWords } from './judge'

describe('throughput in words', () => {
  it('says requests rose when they rose, though the measured drop is 0', () => {
    expect(throughputWords({ value: 0, prior: 166_338, last: 167_798 })).toBe('Requests rose 0.88% (166,338 → 167,798)')
  })

  it('says requests fell, by the measured drop, when they fell', () => {
    expect(throughputWords({ value: 60, prior: 7000, last: 2800 })).toBe('Requests fell 60% (7,000 → 2,800)')
  })

  it('says requests held steady when the two weeks match', () => {
    expect(throughputWords({ value: 0, prior: 1200, last: 1200 })).toBe('Requests held steady (1,200 → 1,200)')
  })
})
