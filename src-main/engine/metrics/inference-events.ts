/**
 * Per-inference events (JSONL or CSV) folded into the same hourly buckets as observations: every
 * event is one request; `error` and each evaluation flag count towards its rate; latency_ms feeds
 * the latency sketch; coherence and user_satisfaction are scores. A field left empty means the
 * inference was not evaluated for it.
 */
import { parse as parseCsv } from 'csv-parse/sync'
import { describeJsonBound, jsonBoundPassed, jsonBoundsFor } from '../../../src-shared/api/json-bounds'
import { INFERENCE_FIELDS, type InferenceFormat } from '../../../src-shared/domain/observations'
import { LARGEST_VALUE, outsideWindow, valueTooLarge, type AcceptedWindow, type ValuedMetric } from '../../../src-shared/domain/data-limits'
import { METRIC_BY_KEY } from '../../../src-shared/domain/metrics'
import { EngineError } from '../errors'
import { BucketAccumulator } from './buckets'
import { hourOf } from './hours'
import { addValue } from './latency-sketch'

type Fields = Record<string, unknown>

const CSV_OPTIONS = { skip_empty_lines: true, trim: true, relax_column_count: false } as const
/** A JSONL line longer than this is not an event someone logged; it is refused before it fills memory. */
const MAX_LINE_LENGTH = 1_000_000
/** An event is one flat object; these bounds leave room for far more than one and refuse what would cost memory. */
const LINE_BOUNDS = jsonBoundsFor(MAX_LINE_LENGTH)

const TRUE = new Set(['true', '1', 'yes', 'y', 't'])
const FALSE = new Set(['false', '0', 'no', 'n', 'f'])

/** How many lines a part holds (a final newline does not start another). */
export function lineCount(text: string): number {
  if (text === '') return 0
  const breaks = text.match(/\n/g)?.length ?? 0
  return text.endsWith('\n') ? breaks : breaks + 1
}

export class InferenceEvents {
  readonly buckets = new BucketAccumulator()
  events = 0
  first: number | null = null
  last: number | null = null
  readonly ignored = new Set<string>()
  private csvHeader: string[] | null = null

  constructor(
    readonly format: InferenceFormat,
    private readonly window: AcceptedWindow,
  ) {}

  /** Adds whole lines of the file; `firstLine` is the file line number of the text's first line. */
  add(text: string, firstLine: number): void {
    if (this.format === 'jsonl') this.addJsonLines(text, firstLine)
    else this.addCsv(text, firstLine)
  }

  private addJsonLines(text: string, firstLine: number): void {
    const lines = text.split(/\r?\n/)
    if (lines.at(-1) === '') lines.pop()
    lines.forEach((line, index) => {
      const number = firstLine + index
      if (line.trim() === '') return
      // A line is held whole, but what JSON.parse would build of it is bounded before it is built.
      const passed = jsonBoundPassed(line, LINE_BOUNDS)
      if (passed) throw lineError(number, undefined, `is not an event: it ${describeJsonBound(passed, 'character')}`)
      let event: unknown
      try {
        event = JSON.parse(line)
      } catch (error) {
        throw lineError(number, undefined, `is not valid JSON (${(error as Error).message})`)
      }
      if (typeof event !== 'object' || event === null || Array.isArray(event)) throw lineError(number, undefined, 'must be a JSON object')
      this.addEvent(event as Fields, number)
    })
  }

  /**
   * Reads a whole file that arrives in pieces of any size (an upload), checking every line as it
   * comes, so memory holds the hourly buckets, never the file.
   */
  async read(pieces: AsyncIterable<string>): Promise<void> {
    if (this.format === 'jsonl') await this.readWhole(pieces, (text) => text.lastIndexOf('\n'), (text, line) => this.addJsonLines(text, line))
    else await this.readWhole(pieces, lastRecordEnd, (text, line) => this.addCsv(text, line))
  }

  /**
   * Whole lines (for CSV, whole records: a line break inside quotes does not end one) are added
   * as each piece arrives; what follows the last end waits for the next piece. Each piece is added
   * on its own, so none holds up the thread for long, however much of the file has arrived.
   */
  private async readWhole(pieces: AsyncIterable<string>, lastEnd: (text: string) => number, add: (text: string, firstLine: number) => void): Promise<void> {
    let pending = ''
    let line = 1
    for await (const piece of pieces) {
      const text = pending + piece
      const cut = lastEnd(text)
      if (cut === -1) {
        pending = text
        if (pending.length > MAX_LINE_LENGTH) throw lineError(line, undefined, `is longer than ${MAX_LINE_LENGTH.toLocaleString('en')} characters`)
        continue
      }
      const whole = text.slice(0, cut + 1)
      add(whole, line)
      line += lineCount(whole)
      pending = text.slice(cut + 1)
    }
    if (pending !== '') add(pending, line)
  }

  /**
   * Parsed first without line numbers (keeping them costs a third of the parse); only a text with
   * a refused record is parsed again, to name that record's line.
   */
  private addCsv(text: string, firstLine: number): void {
    const header = this.csvHeader
    let records: string[][]
    try {
      records = parseCsv(text, CSV_OPTIONS) as string[][]
    } catch (error) {
      // Named by its line in the whole file, as every other fault is: the parser counts within this text.
      const { message, lines = 1 } = error as Error & { lines?: number }
      throw lineError(firstLine + Math.max(lines - 1, 0), undefined, `is not valid CSV: ${message.replace(/ at line \d+/, '')}`)
    }
    try {
      for (const record of records) this.addCsvRecord(record, firstLine)
    } catch (error) {
      if (!(error instanceof EngineError)) throw error
      this.csvHeader = header
      const numbered = parseCsv(text, { ...CSV_OPTIONS, info: true }) as unknown as Array<{ record: string[]; info: { lines: number } }>
      for (const { record, info } of numbered) this.addCsvRecord(record, firstLine + info.lines - 1)
      throw error
    }
  }

  /** The first record is the header; each later one an event, `line` its line in the file. */
  private addCsvRecord(record: string[], line: number): void {
    if (!this.csvHeader) {
      this.csvHeader = record.map((name) => name.trim().toLowerCase())
      if (!this.csvHeader.includes('timestamp')) throw lineError(line, undefined, 'the header needs a timestamp column')
      return
    }
    const header = this.csvHeader
    if (record.length !== header.length) throw lineError(line, undefined, `has ${record.length} fields; the header has ${header.length}`)
    const event: Fields = {}
    header.forEach((name, index) => {
      if (record[index] !== '') event[name] = record[index]
    })
    this.addEvent(event, line)
  }

  private addEvent(event: Fields, line: number): void {
    const ms = timestampOf(event.timestamp, line)
    const outside = outsideWindow(ms, this.window)
    if (outside) throw lineError(line, 'timestamp', `${String(event.timestamp)} ${outside}`)
    const hour = hourOf(ms)
    this.buckets.bucket('throughput_drop', hour).n += 1
    for (const [name, raw] of Object.entries(event)) {
      if (name === 'timestamp' || name === 'id') continue
      // Own fields only: a column named constructor or __proto__ is just another ignored column.
      const metric = Object.hasOwn(INFERENCE_FIELDS, name) ? INFERENCE_FIELDS[name as keyof typeof INFERENCE_FIELDS] : undefined
      if (!metric) {
        this.ignored.add(name)
        continue
      }
      if (raw === null || raw === undefined || raw === '') continue
      const kind = METRIC_BY_KEY[metric].kind
      const bucket = this.buckets.bucket(metric, hour)
      if (kind === 'rate') {
        bucket.total += 1
        if (booleanOf(raw, name, line)) bucket.n += 1
      } else {
        const value = numberOf(raw, name, line, metric as ValuedMetric)
        bucket.n += 1
        bucket.sum += value
        if (bucket.bins) addValue(bucket.bins, value)
      }
    }
    this.events += 1
    if (this.first === null || ms < this.first) this.first = ms
    if (this.last === null || ms > this.last) this.last = ms
  }
}

/** Where the last whole CSV record of `text` ends: its last line break outside quotes, or -1. */
function lastRecordEnd(text: string): number {
  let quoted = false
  let end = -1
  for (let index = 0; index < text.length; index++) {
    const char = text.charCodeAt(index)
    if (char === 34) quoted = !quoted
    else if (char === 10 && !quoted) end = index
  }
  return end
}


function lineError(line: number, field: string | undefined, problem: string): EngineError {
  return new EngineError('invalid_input', `line ${line}${field ? `, ${field}` : ''}: ${problem}`, field ? `line ${line}.${field}` : `line ${line}`)
}

function timestampOf(raw: unknown, line: number): number {
  if (raw === undefined || raw === null || raw === '') throw lineError(line, 'timestamp', 'is required')
  if (typeof raw === 'number') return raw < 1e11 ? raw * 1000 : raw
  if (typeof raw !== 'string') throw lineError(line, 'timestamp', `must be an ISO 8601 date and time, or Unix seconds (got ${JSON.stringify(raw)})`)
  const text = raw
  if (/^\d+(\.\d+)?$/.test(text)) {
    const number = Number(text)
    return number < 1e11 ? number * 1000 : number
  }
  // ISO 8601 with a date and time; a timestamp without a zone is read as UTC.
  if (!/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/.test(text)) throw lineError(line, 'timestamp', `must be an ISO 8601 date and time (got "${text}")`)
  const zoned = /(Z|[+-]\d{2}:?\d{2})$/i.test(text) ? text : `${text}Z`
  const ms = Date.parse(zoned.replace(' ', 'T'))
  if (Number.isNaN(ms) || !isCalendarDate(text)) throw lineError(line, 'timestamp', `is not a valid date and time (got "${text}")`)
  return ms
}

/** Date.parse rolls 2026-02-30 over to March 2nd rather than refusing it. */
function isCalendarDate(text: string): boolean {
  const [year, month, day] = text.slice(0, 10).split('-').map(Number) as [number, number, number]
  return month >= 1 && month <= 12 && day >= 1 && day <= new Date(Date.UTC(year, month, 0)).getUTCDate()
}

/** A number written out in decimal; Number() would also take "", "  ", "0x1F" and [5]. */
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i

function booleanOf(raw: unknown, field: string, line: number): boolean {
  if (typeof raw === 'boolean') return raw
  if (raw === 0 || raw === 1) return raw === 1
  if (typeof raw !== 'string') throw lineError(line, field, `must be true or false (got ${JSON.stringify(raw)})`)
  const text = raw.trim().toLowerCase()
  if (TRUE.has(text)) return true
  if (FALSE.has(text)) return false
  throw lineError(line, field, `must be true or false (got ${JSON.stringify(raw)})`)
}

function numberOf(raw: unknown, field: string, line: number, metric: ValuedMetric): number {
  const value = typeof raw === 'number' ? raw : typeof raw === 'string' && DECIMAL.test(raw.trim()) ? Number(raw.trim()) : Number.NaN
  if (!Number.isFinite(value) || value < 0) throw lineError(line, field, `must be a number of at least 0 (got ${JSON.stringify(raw)})`)
  if (value > LARGEST_VALUE[metric].max) throw lineError(line, field, `${valueTooLarge(metric)} (got ${JSON.stringify(raw)})`)
  return value
}

