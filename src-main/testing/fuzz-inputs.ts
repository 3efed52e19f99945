/**
 * Inputs a careless or hostile caller could send, for property-based tests of the contract:
 * values at the edges (huge and tiny numbers, NaN-like strings, lone surrogates, control and
 * combining characters, out-of-range timestamps, long strings, deep nesting, values only IPC can
 * carry), whole objects of them, and valid examples with fields replaced, removed or added.
 */
import * as fc from 'fast-check'

const EDGE_STRINGS = [
  '', ' ', '  padded  ', 'NaN', 'Infinity', '-Infinity', '1e999', '-0', '0x1F', '1_000', '١٢٣', 'null', 'true', 'false',
  '__proto__', 'constructor', 'toString', 'hasOwnProperty', '\ud800', 'x\udc00y', 'end\ud83d', '\u0000', 'a\nb', '\t', '\u0085',
  'e\u0301', 'Caf\u00e9', 'Cafe\u0301', '\u202eevil', '💥', "'; DROP TABLE policies; --", '%', '_', '\\', 'a.b', '0',
  '2026-03-01T09:00:00Z', '2026-03-01T10:36:00Z', '0001-01-01T00:00:00Z', '0000-01-01T00:00:00+01:00', '9999-12-31T23:59:59-23:59',
  '2024-02-29T00:00:00Z', '1970-01-01T00:00:00Z', '2026-03-01 09:00', '1772355600', 'app_a', 'app_missing', 'pol_missing',
  'usr_owner', 'grp_missing', 'ar_pii', 'atr_missing', 'imp_missing', 'https://hooks.example.com/x', 'javascript:alert(1)',
  'pii', 'coherence', 'latency_p95', 'requests', 'throughput_drop', 'jsonl', 'csv', 'published', 'draft', 'critical', '>', '<=',
  'every_n_days', 'org_admin', 'auditor', 'user', 'group', 'x'.repeat(201), 'x'.repeat(5001), 'y'.repeat(100_001),
  'timestamp,latency_ms,coherence\n2026-03-01T09:00:00Z,1e400,2\n', '{"timestamp": "2026-03-01T09:00:00Z", "constructor": 1}\n',
  '{"timestamp": 1e300, "latency_ms": -1}', 'timestamp\n"unterminated',
]

const EDGE_NUMBERS = [
  0, -0, 1, -1, 0.5, 1.5, 5, 5.5, 7, 100, 101, 365, 366, 2160, 86_400_000, 86_400_001, 2 ** 31, 2 ** 53 - 1, 2 ** 53, 2 ** 53 + 2,
  -(2 ** 53), 1e21, 1e308, -1e308, Number.MAX_VALUE, Number.MIN_VALUE, Number.EPSILON, Number.NaN, Infinity, -Infinity,
]

/** A list with a hole at 0, as structured clone keeps one. */
const holey = new Array<unknown>(2)
holey[1] = 1

/** Values that only structured clone (Electron IPC) can carry, not JSON. */
const CLONE_ONLY: unknown[] = [undefined, new Date(0), 10n, new Map([['a', 1]]), new Set([1]), new Uint8Array(3), holey]

function nested(depth: number, asObject: boolean): unknown {
  let value: unknown = 'bottom'
  for (let i = 0; i < depth; i++) value = asObject ? { name: value } : [value]
  return value
}

export const fieldKey = (known: readonly string[]) =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...known, 'extra') },
    { weight: 1, arbitrary: fc.constantFrom('__proto__', 'constructor', 'toString', '', ' name', 'NAME', 'name\ud800', '0', 'a.b') },
    { weight: 1, arbitrary: fc.string({ maxLength: 8 }) },
  )

export function edgeValue(worldStrings: readonly string[]): fc.Arbitrary<unknown> {
  const leaf = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...EDGE_STRINGS, ...worldStrings) },
    { weight: 3, arbitrary: fc.constantFrom(...EDGE_NUMBERS) },
    { weight: 2, arbitrary: fc.oneof(fc.double(), fc.integer(), fc.boolean(), fc.constant(null)) },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) },
    { weight: 1, arbitrary: fc.constantFrom(...CLONE_ONLY, nested(5000, false), nested(5000, true)) },
  )
  const { tree } = fc.letrec<{ tree: unknown }>((tie) => ({
    tree: fc.oneof(
      { depthSize: 'small', maxDepth: 3 },
      { weight: 5, arbitrary: leaf },
      { weight: 1, arbitrary: fc.array(tie('tree'), { maxLength: 4 }) },
      { weight: 1, arbitrary: fc.dictionary(fieldKey(['name', 'metric', 'timestamp', 'count', 'id', 'type']), tie('tree'), { maxKeys: 4 }) },
    ),
  }))
  return tree
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T/
const DAY_MS = 86_400_000

/**
 * Values of the same kind as `original`, at its edges: what a field of that type is most likely
 * to be sent wrong. Timestamps are placed around the engine's clock (`now`).
 */
function neighboursOf(original: unknown, now: number): unknown[] {
  const at = (ms: number) => new Date(ms).toISOString()
  if (typeof original === 'string' && ISO_INSTANT.test(original)) {
    return [
      at(now), at(now + 1), at(now + 4 * 60_000), at(now + 6 * 60_000), at(now - 399 * DAY_MS), at(now - 401 * DAY_MS), at(now - 3000 * DAY_MS),
      '0000-01-01T00:00:00+01:00', '0000-01-01T00:30:00Z', '0001-01-01T00:00:00Z', '9999-12-31T23:59:59Z', '9999-12-31T23:59:59-23:59',
      '1970-01-01T00:00:00Z', '1969-12-31T23:00:00Z', original.replace('Z', '+14:00'), original.replace('Z', '-12:00'), `${original.slice(0, 19)}.123456789Z`,
    ]
  }
  if (typeof original === 'string') {
    return [`${original}\ud800`, `\udc00${original}`, `${original}\n`, `${original}\u0000`, original.toUpperCase(), original.normalize('NFD'), ` ${original} `, original.repeat(50), '', `${original}💥`]
  }
  if (typeof original === 'number') {
    return [original + 1, original - 1, original * 2, -original, original + 0.5, original * 1e6, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER + 2, 1e308, Number.NaN, String(original)]
  }
  if (typeof original === 'boolean') return [String(original), Number(original), !original, 'yes', null]
  if (Array.isArray(original)) {
    const first: unknown = original[0] ?? 'x'
    // Many distinct entries: more than one SQL statement can carry (32,766 values).
    const distinct = Array.from({ length: 40_000 }, (_, index) => (typeof first === 'string' ? `${first}_${index}` : index))
    return [[], [...original, ...original], original.slice(0, 1), Array.from({ length: 1001 }, () => first), distinct, first]
  }
  if (typeof original === 'object' && original !== null) return [{}, [], { ...original, extra: 1 }, null]
  return [null]
}

interface Step {
  action: 'replace' | 'remove' | 'add'
  /** When replacing: a value of the original's own kind, the `neighbour`th of its edges; else `value`. */
  neighbour: number | null
  /** Which container of the input (the input itself, a nested object or list) to change. */
  container: number
  /** Which of its fields or entries. */
  entry: number
  key: string
  value: unknown
}

/** A valid input with a few fields replaced by edge values, removed, or added. */
export function mutationsOf(example: object, worldStrings: readonly string[], knownKeys: readonly string[], now: number): fc.Arbitrary<unknown> {
  const step = fc.record({
    action: fc.constantFrom<Step['action']>('replace', 'replace', 'remove', 'add'),
    neighbour: fc.option(fc.nat(), { freq: 2 }),
    container: fc.nat(),
    entry: fc.nat(),
    key: fieldKey(knownKeys),
    value: edgeValue(worldStrings),
  })
  return fc.array(step, { minLength: 1, maxLength: 3 }).map((steps) => {
    const input = structuredClone(example) as Record<string, unknown>
    // The example's own objects and lists, found before any change, so an added value is never changed further.
    const containers: object[] = []
    const collect = (value: unknown) => {
      if (typeof value !== 'object' || value === null) return
      containers.push(value)
      for (const inner of Object.values(value)) collect(inner)
    }
    collect(input)
    for (const each of steps) applyStep(containers[each.container % containers.length]!, each, now)
    return input
  })
}

function applyStep(container: object, step: Step, now: number): void {
  const target = container as Record<string, unknown>
  const keys = Object.keys(target)
  const chosen = keys[step.entry % Math.max(keys.length, 1)]
  if (step.action === 'add' || chosen === undefined) {
    if (Array.isArray(target)) target.push(step.value)
    // As JSON.parse would: an own field even when it is named __proto__.
    else Object.defineProperty(target, step.key, { value: step.value, enumerable: true, writable: true, configurable: true })
  } else if (step.action === 'remove') {
    if (Array.isArray(target)) target.splice(Number(chosen), 1)
    else delete target[chosen]
  } else if (step.neighbour === null) target[chosen] = step.value
  else {
    const neighbours = neighboursOf(target[chosen], now)
    target[chosen] = neighbours[step.neighbour % neighbours.length]
  }
}

const EVENT_FIELDS = ['latency_ms', 'error', 'pii', 'coherence', 'user_satisfaction', 'task_completed', 'constructor', '__proto__', 'toString', 'id', 'note']

/**
 * Per-inference files, JSONL or CSV: events mostly within the data window (so their other fields
 * are read), whose fields hold edge values.
 */
export function inferenceFiles(now: number): fc.Arbitrary<string> {
  const inWindow = [-3_600_000, 0].map((offset) => new Date(now + offset).toISOString())
  const outside = [6 * 60_000, -401 * DAY_MS].map((offset) => new Date(now + offset).toISOString())
  const cell = fc.oneof(
    fc.constantFrom<unknown>(...EDGE_NUMBERS, true, false, 'true', 'no', '', ' ', '1e400', '0x1F', 'NaN', '\u0000', 'a,b', '"', '\n', null, [1], {}),
    fc.double(),
    fc.string({ maxLength: 6 }),
  )
  const timestamp = fc.oneof({ weight: 6, arbitrary: fc.constantFrom<unknown>(...inWindow) }, { weight: 1, arbitrary: fc.constantFrom<unknown>(...outside) }, { weight: 1, arbitrary: cell })
  const events = fc.array(fc.tuple(timestamp, fc.dictionary(fc.constantFrom(...EVENT_FIELDS), cell, { maxKeys: 4 })), { minLength: 1, maxLength: 5 })
  const jsonl = events.map((list) => list.map(([at, fields]) => JSON.stringify({ timestamp: at, ...fields })).join('\n'))
  const csv = fc
    .tuple(fc.uniqueArray(fc.constantFrom(...EVENT_FIELDS), { maxLength: 4 }), events)
    .map(([columns, list]) => [['timestamp', ...columns].join(','), ...list.map(([at, fields]) => [at, ...columns.map((column) => fields[column] ?? '')].map(String).join(','))].join('\n'))
  return fc.oneof(jsonl, csv)
}
