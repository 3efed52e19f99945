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

/**
 * Bins as a dense run of counts from key `offset`, plus values too small to key (zero). The keys
 * of latencies sit close together (a factor of ten spans about 230 keys), so merging a stored
 * sketch is a run of additions.
 */
export interface SketchBins {
  zeros: number
  offset: number
  counts: number[]
}

export function emptyBins(): SketchBins {
  return { zeros: 0, offset: 0, counts: [] }
}

const mapping = newSketch().mapping

/** Grows the run of counts to hold keys first..last. */
function cover(bins: SketchBins, first: number, last: number): void {
  if (bins.counts.length === 0) {
    bins.offset = first
    bins.counts = new Array<number>(last - first + 1).fill(0)
    return
  }
  if (first < bins.offset) {
    bins.counts = new Array<number>(bins.offset - first).fill(0).concat(bins.counts)
    bins.offset = first
  }
  const end = bins.offset + bins.counts.length
  for (let key = end; key <= last; key++) bins.counts.push(0)
}

export function addValue(bins: SketchBins, value: number, weight = 1): void {
  if (value > mapping.minPossible) {
    const key = mapping.key(value)
    cover(bins, key, key)
    bins.counts[key - bins.offset]! += weight
  } else bins.zeros += weight
}

export function binCount(bins: SketchBins): number {
  let count = bins.zeros
  for (const value of bins.counts) count += value
  return count
}

export function encodeBins(bins: SketchBins): Uint8Array {
  const out: number[] = []
  writeVarint(out, bins.zeros)
  const { counts } = bins
  let first = 0
  while (first < counts.length && counts[first] === 0) first++
  if (first === counts.length) return Uint8Array.from(out)
  let last = counts.length - 1
  while (counts[last] === 0) last--
  writeVarint(out, zigzag(bins.offset + first))
  writeVarint(out, last - first + 1)
  for (let index = first; index <= last; index++) writeVarint(out, counts[index]!)
  return Uint8Array.from(out)
}

/** Adds an encoded sketch's bins into `into`. A full evaluation merges tens of thousands of these. */
export function mergeEncoded(into: SketchBins, blob: Uint8Array): void {
  const reader = { at: 0 }
  into.zeros += readVarint(blob, reader)
  if (reader.at >= blob.length) return
  const first = unzigzag(readVarint(blob, reader))
  const length = readVarint(blob, reader)
  cover(into, first, first + length - 1)
  const counts = into.counts
  let index = first - into.offset
  const end = index + length
  // Hourly counts are mostly below 128, one byte each: read those inline.
  let at = reader.at
  while (index < end) {
    const byte = blob[at]!
    if (byte < 0x80) {
      counts[index++]! += byte
      at++
    } else {
      reader.at = at
      counts[index++]! += readVarint(blob, reader)
      at = reader.at
    }
  }
}

export function mergeBins(into: SketchBins, from: SketchBins): void {
  into.zeros += from.zeros
  if (from.counts.length === 0) return
  cover(into, from.offset, from.offset + from.counts.length - 1)
  const at = from.offset - into.offset
  for (let i = 0; i < from.counts.length; i++) into.counts[at + i]! += from.counts[i]!
}

/**
 * The value at quantile q (0..1), interpolated linearly between the two nearest ranks — the
 * definition numpy and spreadsheets use — with each rank's value read from the sketch's bins as
 * DDSketch reads it: the first key whose running count exceeds the rank.
 */
export function quantile(bins: SketchBins, q: number): number | null {
  const count = binCount(bins)
  if (count === 0) return null
  const valueAtRank = (rank: number) => {
    if (rank < bins.zeros) return 0
    let running = bins.zeros
    for (let index = 0; index < bins.counts.length; index++) {
      running += bins.counts[index]!
      if (running > rank) return mapping.value(bins.offset + index)
    }
    return mapping.value(bins.offset + bins.counts.length - 1)
  }
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
