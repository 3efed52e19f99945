/**
 * An inference file read into hourly buckets, its bytes hashed as they pass: the work of an
 * import before anything is stored. Reading 100,000 events costs about half a second of CPU, so
 * the engine does it on a worker thread where it has one (engine-worker/engine-thread.ts), and
 * what crosses back is the buckets as plain data.
 */
import { createHash, type Hash } from 'node:crypto'
import { setImmediate } from 'node:timers/promises'
import { describeInvalidUtf8, firstInvalidUtf8, unfinishedTail } from '../../../src-shared/api/utf8-bytes'
import type { AcceptedWindow } from '../../../src-shared/domain/data-limits'
import type { InferenceFormat } from '../../../src-shared/domain/observations'
import { EngineError } from '../errors'
import { BucketAccumulator, type BucketDelta } from './buckets'
import { InferenceEvents } from './inference-events'

/** What an import stores and reports of a file. */
export interface InferenceFile {
  /** The file's content hash: the same file imported twice is counted once. */
  batchId: string
  events: number
  first: number | null
  last: number | null
  ignored: string[]
  buckets: BucketAccumulator
}

/** An `InferenceFile` as it crosses between threads. */
export type InferenceFileData = Omit<InferenceFile, 'buckets'> & { buckets: BucketDelta[] }

/** Reads a file that arrives in pieces: here, or on a worker thread. */
export type InferenceFileReader = (format: InferenceFormat, window: AcceptedWindow, pieces: FilePieces) => Promise<InferenceFile>

/** A file as it arrives: an upload's pieces, or the whole of it at once. */
export type FilePieces = AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>

export async function readInferenceFile(format: InferenceFormat, window: AcceptedWindow, pieces: FilePieces): Promise<InferenceFile> {
  const events = new InferenceEvents(format, window)
  const hash = createHash('sha256')
  await events.read(hashedText(pieces, hash))
  return inferenceFileFrom(events, `sha256:${hash.digest('hex')}`)
}

export function inferenceFileFrom(events: InferenceEvents, batchId: string): InferenceFile {
  return { batchId, events: events.events, first: events.first, last: events.last, ignored: [...events.ignored], buckets: events.buckets }
}

export function inferenceFileData(file: InferenceFile): InferenceFileData {
  return { ...file, buckets: file.buckets.all() }
}

export function inferenceFileOf(data: InferenceFileData): InferenceFile {
  return { ...data, buckets: BucketAccumulator.of(data.buckets) }
}

/**
 * The file as text, its bytes hashed as they pass: the same file has the same batch id whether
 * it came inside a request or as one. Text that is not UTF-8 is refused, naming the first byte at
 * fault, rather than read with U+FFFD in its place.
 */
async function* hashedText(pieces: FilePieces, hash: Hash): AsyncIterable<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true })
  // Where the piece being read starts in the file, and the end of the one before it, which may
  // hold the first bytes of a character this piece finishes.
  let offset = 0
  let tail: Uint8Array = new Uint8Array(0)
  for await (const piece of pieces) {
    const bytes = typeof piece === 'string' ? Buffer.from(piece, 'utf8') : piece
    hash.update(bytes)
    let text: string
    try {
      text = decoder.decode(bytes, { stream: true })
    } catch {
      throw notUtf8(Buffer.concat([tail, bytes]), offset - tail.length)
    }
    yield text
    tail = bytes.subarray(bytes.length - unfinishedTail(bytes))
    offset += bytes.length
    // Pieces already received would otherwise be parsed in one go, holding up everything else on
    // this thread until the whole file is read: each piece waits its turn instead.
    await setImmediate()
  }
  try {
    const rest = decoder.decode()
    if (rest) yield rest
  } catch {
    throw notUtf8(tail, offset - tail.length)
  }
}

function notUtf8(bytes: Uint8Array, offset: number): EngineError {
  const at = Math.max(firstInvalidUtf8(bytes), 0) + offset
  return new EngineError('invalid_encoding', `the file is not UTF-8 text: ${describeInvalidUtf8(at, bytes, offset)}`, 'content')
}
