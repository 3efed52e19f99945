/**
 * Heavy reads served from the bytes of an earlier answer while the workspace has not changed: the
 * organisation's compliance report and the dashboard cost tens of milliseconds of CPU to build
 * and weigh megabytes, and monitoring tools poll them. An answer is kept per query under the
 * workspace's generation (see Engine.settledGeneration), so it is never served once anything has
 * changed; it carries an ETag (If-None-Match is answered 304) and is compressed once for each
 * encoding asked for, off the request thread.
 */
import { createHash } from 'node:crypto'
import { promisify } from 'node:util'
import { brotliCompress, constants, gzip } from 'node:zlib'
import type { Context } from 'hono'
import type { ApiErrorBody, Result } from '../../../src-shared/api/errors'

/** Procedures whose answers are kept: reads that depend on nothing but the workspace and the query. */
export const CACHED_PROCEDURES: ReadonlySet<string> = new Set(['compliance.organization', 'compliance.overview'])

/** All answers kept at once, compressed copies included; past it, the least recently used go. */
const MAX_CACHED_BYTES = 64 * 1024 * 1024

type Encoding = 'br' | 'gzip'

const compressors: Record<Encoding, (body: Buffer) => Promise<Buffer>> = {
  // Quality 5: most of brotli's gain at a small part of its highest setting's cost.
  br: (body) => promisify(brotliCompress)(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 5, [constants.BROTLI_PARAM_SIZE_HINT]: body.length } }),
  gzip: (body) => promisify(gzip)(body, { level: 6 }),
}

export interface CachedAnswer {
  etag: string
  json: Buffer
  /** Compressed copies, made the first time an encoding is asked for. */
  compressed(encoding: Encoding): Promise<Buffer>
}

/** A kept answer, or the error its query met (passed to every request waiting on it, never kept). */
export type Answered = { ok: true; answer: CachedAnswer } | { ok: false; error: ApiErrorBody }

interface Entry {
  answer: Promise<Answered>
  bytes: number
}

export class AnswerCache {
  private generation: string | undefined
  private readonly entries = new Map<string, Entry>()
  private bytes = 0

  /**
   * The answer kept for `key` under `generation`, or the one `build` makes (and keeps, when it is
   * a success). Concurrent requests for the same missing answer share one build.
   */
  answer(generation: string, key: string, build: () => Promise<Result<Buffer>>): Promise<Answered> {
    if (generation !== this.generation) {
      this.generation = generation
      this.entries.clear()
      this.bytes = 0
    }
    const kept = this.entries.get(key)
    if (kept) {
      // Most recently used last: a Map keeps insertion order.
      this.entries.delete(key)
      this.entries.set(key, kept)
      return kept.answer
    }
    const entry: Entry = { answer: Promise.resolve({ ok: false, error: { error: 'internal', message: 'not built yet' } }), bytes: 0 }
    entry.answer = build().then((result): Answered => (result.ok ? { ok: true, answer: this.keep(entry, result.value) } : result))
    this.entries.set(key, entry)
    // Failures are not kept: the next request tries again.
    const forget = () => {
      if (this.entries.get(key) === entry) this.entries.delete(key)
    }
    void entry.answer.then((answered) => answered.ok || forget(), forget)
    return entry.answer
  }

  private keep(entry: Entry, json: Buffer): CachedAnswer {
    this.count(entry, json.length)
    const copies = new Map<Encoding, Promise<Buffer>>()
    return {
      etag: `W/"${createHash('sha256').update(json).digest('base64url').slice(0, 32)}"`,
      json,
      compressed: (encoding) => {
        let copy = copies.get(encoding)
        if (!copy) {
          copies.set(encoding, (copy = compressors[encoding](json)))
          void copy.then((bytes) => this.count(entry, bytes.length), () => copies.delete(encoding))
        }
        return copy
      },
    }
  }

  /** Adds an entry's bytes to the total, letting the least recently used entries go past the bound. */
  private count(entry: Entry, bytes: number): void {
    if (![...this.entries.values()].includes(entry)) return
    entry.bytes += bytes
    this.bytes += bytes
    for (const [key, oldest] of this.entries) {
      if (this.bytes <= MAX_CACHED_BYTES || oldest === entry) break
      this.entries.delete(key)
      this.bytes -= oldest.bytes
    }
  }
}

/** The query as a key: the same parameters in any order are the same answer. */
export function queryKey(name: string, input: Record<string, unknown>): string {
  return `${name}?${Object.keys(input)
    .sort()
    .map((field) => `${field}=${JSON.stringify(input[field])}`)
    .join('&')}`
}

/** The encoding to answer in: brotli, else gzip, else none, as the client's Accept-Encoding allows. */
export function chooseEncoding(acceptEncoding: string | undefined): Encoding | undefined {
  const accepted = new Map<string, number>()
  for (const part of (acceptEncoding ?? '').toLowerCase().split(',')) {
    const [name, ...params] = part.trim().split(';')
    if (!name) continue
    const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find((value) => value !== undefined)
    accepted.set(name, q === undefined ? 1 : Number(q))
  }
  const allowed = (encoding: Encoding) => (accepted.get(encoding) ?? accepted.get('*') ?? 0) > 0
  return allowed('br') ? 'br' : allowed('gzip') ? 'gzip' : undefined
}

function matchesEtag(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false
  const bare = (tag: string) => tag.trim().replace(/^W\//, '')
  return ifNoneMatch.split(',').some((tag) => tag.trim() === '*' || bare(tag) === bare(etag))
}

/** Answers with a kept answer: 304 when the client holds it already, else its bytes, compressed if asked. */
export async function sendCachedAnswer(c: Context, answer: CachedAnswer): Promise<Response> {
  c.header('ETag', answer.etag)
  c.header('Vary', 'Accept-Encoding, Authorization')
  // The client may keep the answer but must ask again; the ETag makes asking cheap.
  c.header('Cache-Control', 'private, no-cache')
  if (matchesEtag(c.req.header('if-none-match'), answer.etag)) return c.body(null, 304)
  c.header('Content-Type', 'application/json')
  const encoding = chooseEncoding(c.req.header('accept-encoding'))
  if (!encoding) return c.body(asBody(answer.json), 200)
  const body = await answer.compressed(encoding)
  c.header('Content-Encoding', encoding)
  return c.body(asBody(body), 200)
}

/** A Buffer is the Uint8Array a response body takes; no copy is made. */
function asBody(bytes: Buffer): Uint8Array<ArrayBuffer> {
  return bytes as Uint8Array<ArrayBuffer>
}
