/**
 * Latency as a DDSketch (Datadog's quantile sketch): relative accuracy 0.5%, so any quantile of any
 * merged window is within 1% of the true value. Hourly sketches are stored in a compact form of
 * the sketch's own bins (zero count, first key, then counts as varints), which merges by adding
 * counts and decodes without allocating a sketch per bucket — the full evaluation merges tens of
 * thousands of them.
 */
import { DDSketch } from '@datadog/sketches-js'

export const RELATIVE_ACCURACY = 0.005

export function newSketch(): DDSketch {
  return new DDSketch({ relativeAccuracy: RELATIVE_ACCURACY })
}

/** Bins by key, plus values too small to key (zero). */
export interface SketchBins {
  zeros: number
  counts: Map<number, number>
}

export function emptyBins(): SketchBins {
  return { zeros: 0, counts: new Map() }
}

const mapping = newSketch().mapping

export function addValue(bins: SketchBins, value: number, weight = 1): void {
  if (value > mapping.minPossible) {
    const key = mapping.key(value)
    bins.counts.set(key, (bins.counts.get(key) ?? 0) + weight)
  } else bins.zeros += weight
}

export function binCount(bins: SketchBins): number {
  let count = bins.zeros
  for (const value of bins.counts.values()) count += value
  return count
}

export function encodeBins(bins: SketchBins): Uint8Array {
  const out: number[] = []
  writeVarint(out, bins.zeros)
  if (bins.counts.size === 0) return Uint8Array.from(out)
  let first = Infinity
  let last = -Infinity
  for (const key of bins.counts.keys()) {
    if (key < first) first = key
    if (key > last) last = key
  }
  writeVarint(out, zigzag(first))
  writeVarint(out, last - first + 1)
  for (let key = first; key <= last; key++) writeVarint(out, bins.counts.get(key) ?? 0)
  return Uint8Array.from(out)
}

/** Adds an encoded sketch's bins into `into`. */
export function mergeEncoded(into: SketchBins, blob: Uint8Array): void {
  const reader = { at: 0 }
  into.zeros += readVarint(blob, reader)
  if (reader.at >= blob.length) return
  const first = unzigzag(readVarint(blob, reader))
  const length = readVarint(blob, reader)
  const counts = into.counts
  for (let i = 0; i < length; i++) {
    const count = readVarint(blob, reader)
    if (count !== 0) counts.set(first + i, (counts.get(first + i) ?? 0) + count)
  }
}

export function mergeBins(into: SketchBins, from: SketchBins): void {
  into.zeros += from.zeros
  for (const [key, count] of from.counts) into.counts.set(key, (into.counts.get(key) ?? 0) + count)
}

/**
 * The value at quantile q (0..1), interpolated linearly between the two nearest ranks — the
 * definition numpy and spreadsheets use — with each rank's value read from the sketch's bins.
 */
export function quantile(bins: SketchBins, q: number): number | null {
  const count = binCount(bins)
  if (count === 0) return null
  const sketch = newSketch()
  for (const [key, weight] of bins.counts) sketch.store.add(key, weight)
  const valueAtRank = (rank: number) => (rank < bins.zeros ? 0 : sketch.mapping.value(sketch.store.keyAtRank(rank - bins.zeros)))
  const rank = q * (count - 1)
  const below = Math.floor(rank)
  const low = valueAtRank(below)
  return rank === below ? low : low + (rank - below) * (valueAtRank(below + 1) - low)
}

function zigzag(n: number): number {
  return n >= 0 ? n * 2 : -n * 2 - 1
}

function unzigzag(n: number): number {
  return n % 2 === 0 ? n / 2 : -(n + 1) / 2
}

function writeVarint(out: number[], value: number): void {
  let v = value
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80)
    v = Math.floor(v / 0x80)
  }
  out.push(v)
}

function readVarint(blob: Uint8Array, reader: { at: number }): number {
  let value = 0
  let scale = 1
  for (;;) {
    const byte = blob[reader.at++]!
    value += (byte & 0x7f) * scale
    if (byte < 0x80) return value
    scale *= 0x80
  }
}
