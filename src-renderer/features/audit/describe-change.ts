/** An audit event's before and after, reduced to the fields that changed, one short line each. */
import { formatValue } from '../../components/format'

export interface ChangeLine {
  field: string
  before?: string
  after?: string
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)

// Bookkeeping fields change on every write and would drown the real change.
const NOISE = new Set(['updated_at', 'version'])

export function describeChange(before: unknown, after: unknown, maxLines = 6): ChangeLine[] {
  if (isRecord(before) && isRecord(after)) {
    const fields = [...new Set([...Object.keys(before), ...Object.keys(after)])]
    const changed = fields.filter((field) => JSON.stringify(before[field]) !== JSON.stringify(after[field]))
    const meaningful = changed.filter((field) => !NOISE.has(field))
    return (meaningful.length ? meaningful : changed)
      .slice(0, maxLines)
      .map((field) => ({ field, before: formatValue(before[field], 60), after: formatValue(after[field], 60) }))
  }
  if (before === null || before === undefined) {
    if (after === null || after === undefined) return []
    return [{ field: '', after: formatValue(after, 160) }]
  }
  if (after === null || after === undefined) return [{ field: '', before: formatValue(before, 160) }]
  return [{ field: '', before: formatValue(before, 80), after: formatValue(after, 80) }]
}
