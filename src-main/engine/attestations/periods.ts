/**
 * Attestation periods: when each sign-off is asked for and when it falls due. Periods count in
 * UTC from an anchor (the policy's publication, or when the rule joined it), so they are the same
 * whether or not the console was running, and a workspace opened after months closed can list
 * exactly the periods it missed.
 *
 * Calendar frequencies step in whole months from the anchor's day of the month. A month too
 * short for that day ends the period on its last day, and the next period returns to the anchor's
 * day: anchored on 31 January, periods start on 31 January, 29 (or 28) February, 31 March, 30
 * April... Anchored on 29 February, a yearly period starts on 28 February in common years.
 * `every_n_days` steps in whole UTC days.
 */
import type { Frequency } from '../../../src-shared/domain/rules'

const DAY_MS = 86_400_000

export interface Cadence {
  frequency: Frequency
  /** Days between periods, for `every_n_days` only. */
  every_days: number | null
  /** Days after a period starts that its sign-off is due. */
  deadline_days: number
}

export interface Period {
  /** 0 for the period that starts at the anchor, then 1, 2, … */
  index: number
  starts_at: string
  /** When the next period starts: this one's sign-off counts until then. */
  ends_at: string
  due_at: string
}

const MONTHS: Record<Exclude<Frequency, 'every_n_days'>, number> = { monthly: 1, quarterly: 3, annually: 12 }

/** The moment `months` calendar months after `anchor`, its day kept or, in a shorter month, that month's last day. */
export function addMonthsClamped(anchor: Date, months: number): Date {
  const year = anchor.getUTCFullYear()
  const month = anchor.getUTCMonth() + months
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate()
  const day = Math.min(anchor.getUTCDate(), lastDay)
  return new Date(Date.UTC(year, month, day, anchor.getUTCHours(), anchor.getUTCMinutes(), anchor.getUTCSeconds(), anchor.getUTCMilliseconds()))
}

function startOf(anchor: Date, cadence: Cadence, index: number): Date {
  if (cadence.frequency === 'every_n_days') {
    if (!cadence.every_days || cadence.every_days < 1) throw new RangeError('every_n_days needs every_days of at least 1')
    return new Date(anchor.getTime() + index * cadence.every_days * DAY_MS)
  }
  return addMonthsClamped(anchor, index * MONTHS[cadence.frequency])
}

/** The `index`-th period from `anchor`. */
export function periodAt(anchorIso: string, cadence: Cadence, index: number): Period {
  const anchor = new Date(anchorIso)
  const start = startOf(anchor, cadence, index)
  return {
    index,
    starts_at: start.toISOString(),
    ends_at: startOf(anchor, cadence, index + 1).toISOString(),
    due_at: new Date(start.getTime() + cadence.deadline_days * DAY_MS).toISOString(),
  }
}

/** The period in force at `atIso`, or undefined before the anchor. */
export function periodContaining(anchorIso: string, cadence: Cadence, atIso: string): Period | undefined {
  const anchor = Date.parse(anchorIso)
  const at = Date.parse(atIso)
  if (at < anchor) return undefined
  // A first guess from the average period length, then a step or two to the exact one.
  const approximate = cadence.frequency === 'every_n_days' ? cadence.every_days! : MONTHS[cadence.frequency] * 30.436875
  let index = Math.max(0, Math.floor((at - anchor) / (approximate * DAY_MS)))
  while (index > 0 && Date.parse(periodAt(anchorIso, cadence, index).starts_at) > at) index--
  while (Date.parse(periodAt(anchorIso, cadence, index + 1).starts_at) <= at) index++
  return periodAt(anchorIso, cadence, index)
}

/**
 * Every period that has started by `atIso`, from the first after `afterIndex` (-1 for all): what
 * a workspace that was closed must issue on opening, one request per period, in order.
 */
export function periodsStartedBy(anchorIso: string, cadence: Cadence, atIso: string, afterIndex = -1): Period[] {
  const current = periodContaining(anchorIso, cadence, atIso)
  if (!current) return []
  const periods: Period[] = []
  for (let index = afterIndex + 1; index <= current.index; index++) periods.push(periodAt(anchorIso, cadence, index))
  return periods
}
