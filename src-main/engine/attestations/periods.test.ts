import * as fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { periodAt, periodContaining, periodsStartedBy, type Cadence } from './periods'

const monthly: Cadence = { frequency: 'monthly', every_days: null, deadline_days: 7 }
const quarterly: Cadence = { frequency: 'quarterly', every_days: null, deadline_days: 14 }
const annually: Cadence = { frequency: 'annually', every_days: null, deadline_days: 30 }
const every45: Cadence = { frequency: 'every_n_days', every_days: 45, deadline_days: 5 }

const starts = (anchor: string, cadence: Cadence, count: number) => Array.from({ length: count }, (_, i) => periodAt(anchor, cadence, i).starts_at.slice(0, 10))

describe('attestation periods', () => {
  it('steps a month from 31 January to the last day of February, then back to the 31st', () => {
    expect(starts('2027-01-31T09:00:00.000Z', monthly, 5)).toEqual(['2027-01-31', '2027-02-28', '2027-03-31', '2027-04-30', '2027-05-31'])
    expect(starts('2028-01-31T09:00:00.000Z', monthly, 2)).toEqual(['2028-01-31', '2028-02-29'])
  })

  it('keeps a 29 February anchor on 28 February in common years', () => {
    expect(starts('2028-02-29T00:00:00.000Z', annually, 5)).toEqual(['2028-02-29', '2029-02-28', '2030-02-28', '2031-02-28', '2032-02-29'])
  })

  it('steps quarters across year ends and short months', () => {
    expect(starts('2026-11-30T12:00:00.000Z', quarterly, 4)).toEqual(['2026-11-30', '2027-02-28', '2027-05-30', '2027-08-30'])
    expect(starts('2026-12-31T23:59:59.000Z', quarterly, 3)).toEqual(['2026-12-31', '2027-03-31', '2027-06-30'])
  })

  it('steps every 45 days in whole UTC days', () => {
    expect(starts('2026-01-01T08:30:00.000Z', every45, 3)).toEqual(['2026-01-01', '2026-02-15', '2026-04-01'])
    expect(periodAt('2026-01-01T08:30:00.000Z', every45, 2).starts_at).toBe('2026-04-01T08:30:00.000Z')
  })

  it('makes a period due its deadline in days after it starts', () => {
    const period = periodAt('2027-01-31T09:00:00.000Z', monthly, 1)
    expect(period).toEqual({ index: 1, starts_at: '2027-02-28T09:00:00.000Z', ends_at: '2027-03-31T09:00:00.000Z', due_at: '2027-03-07T09:00:00.000Z' })
  })

  it('finds no period before the anchor, and the period in force at its very first and last moments', () => {
    const anchor = '2027-01-31T09:00:00.000Z'
    expect(periodContaining(anchor, monthly, '2027-01-31T08:59:59.999Z')).toBeUndefined()
    expect(periodContaining(anchor, monthly, anchor)?.index).toBe(0)
    expect(periodContaining(anchor, monthly, '2027-02-28T08:59:59.999Z')?.index).toBe(0)
    expect(periodContaining(anchor, monthly, '2027-02-28T09:00:00.000Z')?.index).toBe(1)
  })

  it('lists exactly the periods a workspace closed for three months missed, once each', () => {
    const anchor = '2027-01-31T09:00:00.000Z'
    const missed = periodsStartedBy(anchor, monthly, '2027-05-15T00:00:00.000Z', 0)
    expect(missed.map((period) => period.starts_at.slice(0, 10))).toEqual(['2027-02-28', '2027-03-31', '2027-04-30'])
    expect(periodsStartedBy(anchor, monthly, '2027-05-15T00:00:00.000Z', 3)).toEqual([])
  })

  const cadences = fc.oneof(
    fc.constantFrom(monthly, quarterly, annually),
    fc.integer({ min: 1, max: 400 }).map((days): Cadence => ({ frequency: 'every_n_days', every_days: days, deadline_days: 7 })),
  )
  const instants = fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2060, 0, 1) }).map((ms) => new Date(ms).toISOString())

  it('tiles time: each period ends where the next starts, later each time', () => {
    fc.assert(
      fc.property(instants, cadences, fc.integer({ min: 0, max: 200 }), (anchor, cadence, index) => {
        const period = periodAt(anchor, cadence, index)
        const next = periodAt(anchor, cadence, index + 1)
        expect(period.ends_at).toBe(next.starts_at)
        expect(Date.parse(next.starts_at)).toBeGreaterThan(Date.parse(period.starts_at))
      }),
    )
  })

  it('places every moment after the anchor in the one period that holds it', () => {
    fc.assert(
      fc.property(instants, cadences, fc.integer({ min: 0, max: 20 * 366 * 86_400_000 }), (anchor, cadence, offset) => {
        const at = new Date(Date.parse(anchor) + offset).toISOString()
        const period = periodContaining(anchor, cadence, at)!
        expect(Date.parse(period.starts_at)).toBeLessThanOrEqual(Date.parse(at))
        expect(Date.parse(period.ends_at)).toBeGreaterThan(Date.parse(at))
        expect(periodsStartedBy(anchor, cadence, at)).toHaveLength(period.index + 1)
      }),
    )
  })
})
