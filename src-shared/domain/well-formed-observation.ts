/**
 * A quick test for the observation shapes exporters send every hour, by the thousand. It vouches
 * only for observations the Observation schema accepts as they are: anything it is unsure of goes
 * to the schema, which decides and words the error. observations.test.ts holds the two to that.
 */
import { LARGEST_VALUE } from './data-limits'
import { METRIC_BY_KEY, METRIC_KEYS } from './metrics'

type Shape = 'counted' | 'requests' | 'valued'

const SHAPE_OF_METRIC = new Map<unknown, Shape>([
  ...METRIC_KEYS.map((key): [string, Shape] => {
    const kind = METRIC_BY_KEY[key].kind
    return [key, kind === 'rate' ? 'counted' : kind === 'throughput' ? 'requests' : 'valued']
  }),
  ['requests', 'requests'],
])

/** The largest value of each valued metric; absent for the others. */
const LARGEST_OF_METRIC = new Map<unknown, number>(Object.entries(LARGEST_VALUE).map(([metric, { max }]) => [metric, max]))

const MAX_VALUES = 100_000
const MAX_ID_LENGTH = 200

const isCount = (value: unknown, least: number) => typeof value === 'number' && Number.isSafeInteger(value) && value >= least

function isValues(value: unknown, largest: number): boolean {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_VALUES) return false
  for (const item of value) if (typeof item !== 'number' || !(item >= 0 && item <= largest)) return false
  return true
}

/**
 * True when `item` is one of the well-formed shapes; false says nothing. `validTimestamp` is the
 * schema's own timestamp test, asked once per distinct timestamp.
 */
export function isWellFormedObservation(item: unknown, validTimestamp: (timestamp: string) => boolean): boolean {
  if (typeof item !== 'object' || item === null || Array.isArray(item) || Object.getPrototypeOf(item) !== Object.prototype) return false
  const fields = item as Record<string, unknown>
  const shape = SHAPE_OF_METRIC.get(fields.metric)
  if (shape === undefined) return false
  const largest = LARGEST_OF_METRIC.get(fields.metric) ?? 0
  let hasCount = false
  let hasTotal = false
  let hasTimestamp = false
  for (const key of Object.keys(fields)) {
    const value = fields[key]
    switch (key) {
      case 'metric':
        break
      case 'timestamp':
        if (typeof value !== 'string' || !validTimestamp(value)) return false
        hasTimestamp = true
        break
      case 'id':
        if (typeof value !== 'string' || value.length === 0 || value.length > MAX_ID_LENGTH) return false
        break
      case 'count':
        if (!isCount(value, shape === 'valued' ? 1 : 0)) return false
        hasCount = true
        break
      case 'total':
        if (shape !== 'counted' || !isCount(value, 0)) return false
        hasTotal = true
        break
      case 'sum':
        if (shape !== 'valued' || typeof value !== 'number' || !(value >= 0 && value <= Number.MAX_VALUE)) return false
        break
      case 'values':
        if (shape !== 'valued' || !isValues(value, largest)) return false
        break
      default:
        return false
    }
  }
  if (!hasTimestamp) return false
  if (shape === 'counted') return hasCount && hasTotal
  if (shape === 'requests') return hasCount
  // A sum and count stand for their mean, which must be in range (the schema's own test).
  const { sum } = fields
  return !(hasCount && typeof sum === 'number' && sum / (fields.count as number) > largest)
}
