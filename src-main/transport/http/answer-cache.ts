/**
 * Heavy and hot reads served from the bytes of an earlier answer: the organisation's compliance
 * report and the dashboard cost tens of milliseconds of CPU to build and weigh megabytes, and
 * monitoring tools poll them, and one application's compliance for each application. Each query's
 * answer is kept under a version of its own (kept-reads.ts says which: the workspace's settled
 * generation, or one application's), so it is never served as current once anything it shows may
 * have changed; it carries an ETag (If-None-Match is answered 304) and is compressed once for each
 * encoding asked for, off the request thread. One application's answer names the moment it
 * describes, which is each request's own (see MOMENT_STAMPED).
 */
import { createHash, randomUUID } from 'node:crypto'
import { promisify } from 'node:util'
import { brotliCompress, constants, gzip } from 'node:zlib'
import type { Context } from 'hono'
import type { ApiErrorBody, Result } from '../../../src-shared/api/errors'

/** Procedures whose answers are kept: reads that depend on nothing but the workspace and the query. */
export const CACHED_PROCEDURES: ReadonlySet<string> = new Set(['compliance.organization', 'compliance.overview', 'compliance.application'])

/**
 * Kept answers that say, in a top-level `as_of`, the moment they describe: asked without `as_of`,
 * that is the moment of the request. While the generation stands (statuses settled, nothing
 * changed), the answer at any later moment is the kept one at that moment, so each request is sent
 * it with its own. They are a few kilobytes, and sent uncompressed: the moment differs each time.
 */
const MOMENT_STAMPED: ReadonlySet<string> = new Set(['compliance.application'])

/**
 * The least time between the starts of two background rebuilds of one organisation-wide answer:
 * how much older than the workspace a stale answer may be, besides its rebuild's own time.
 */
export const REBUILD_EVERY_MS = 1000

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
  /** For a moment-stamped answer, its JSON around the `as_of` value, which each request fills in. */
  aroundMoment?: readonly [Buffer, Buffer]
}

/** A kept answer, or the error its query met (passed to every request waiting on it, never kept). */
export type Answered = { ok: true; answer: CachedAnswer } | { ok: false; error: ApiErrorBody }

/** An organisation-wide answer with the generation it was built under and the moment it began. */
export type Latest = Answered & { version?: string; asOf?: string; stale: boolean }

interface Entry {
  /** What the answer is current under: a generation, or one application's (Engine.applicationGeneration). */
  version: string
  /** When it began to be built: the moment it describes. */
  asOf: string
  /** Where it stands among builds: a later one is never replaced by an earlier one finishing late. */
  begun: number
  answer: Promise<Answered>
  /** The answer once built, when it was a success. */
  built?: CachedAnswer
  /** Its bytes, compressed copies included. */
  bytes: number
  /** The encodings clients have asked it in. */
  encodings: Set<Encoding>
}

/** A rebuild of an organisation-wide answer under way; `order` says which requests it can answer. */
interface Refresh {
  order: number
  done: Promise<Latest>
}

export class AnswerCache {
  private readonly entries = new Map<string, Entry>()
  /** The newest build of each key under way, shared by the requests that want it. */
  private readonly building = new Map<string, Entry>()
  private readonly refreshes = new Map<string, Refresh>()
  /** When each key's last rebuild ended (performance.now()). */
  private readonly refreshed = new Map<string, number>()
  private bytes = 0
  /** Counts arrivals and rebuilds, so a request waits only for a rebuild begun after it arrived. */
  private order = 0

  /**
   * The answer kept for `key` under `version`, or the one `build` makes (and keeps, when it is a
   * success, in place of any kept under another version). Concurrent requests for the same
   * missing answer share one build. A `stamped` answer is kept around its moment, for each
   * request to fill in.
   */
  answer(version: string, key: string, build: () => Promise<Result<Buffer>>, stamped = false, asOf = ''): Promise<Answered> {
    const kept = this.entries.get(key)
    if (kept && kept.version === version) {
      // Most recently used last: a Map keeps insertion order.
      this.entries.delete(key)
      this.entries.set(key, kept)
      return kept.answer
    }
    const building = this.building.get(key)
    if (building && building.version === version) return building.answer
    return this.start(key, version, asOf, build, stamped).answer
  }

  /**
   * An organisation-wide answer, rebuilt at most once per settled generation (and at most every
   * REBUILD_EVERY_MS) and never on the request's time unless it asks: the kept one when `isCurrent`
   * says it still is; else, while one rebuild (`settle`, then `build`) runs in the background,
   * the kept one marked stale. A request
   * with nothing kept, or that will not take a stale answer, waits for a rebuild begun after it
   * arrived.
   */
  async latest(
    key: string,
    options: { isCurrent: (version: string) => boolean; waitForCurrent: boolean; settle: () => Promise<string>; now: () => string; build: () => Promise<Result<Buffer>> },
  ): Promise<Latest> {
    const arrived = this.order
    const kept = this.entries.get(key)
    if (kept?.built && options.isCurrent(kept.version)) return { ok: true, answer: kept.built, version: kept.version, asOf: kept.asOf, stale: false }
    const stale: Latest | undefined = kept?.built && { ok: true, answer: kept.built, version: kept.version, asOf: kept.asOf, stale: true }
    // Data arriving ten times a second would otherwise have the report rebuilt and compressed ten
    // times a second, taking the CPU the requests need: a rebuild begins at most every REBUILD_EVERY_MS.
    const resting = !this.refreshes.has(key) && performance.now() - (this.refreshed.get(key) ?? -Infinity) < REBUILD_EVERY_MS
    if (stale && !options.waitForCurrent && resting) return stale
    let refresh = this.refresh(key, options)
    if (stale && !options.waitForCurrent) return stale
    // Begun before this request arrived, the rebuild under way may miss what the request must see.
    if (refresh.order <= arrived) {
      await refresh.done.catch(() => undefined)
      refresh = this.refresh(key, options)
    }
    return refresh.done
  }

  private refresh(key: string, options: { settle: () => Promise<string>; now: () => string; build: () => Promise<Result<Buffer>> }): Refresh {
    const running = this.refreshes.get(key)
    if (running) return running
    const order = ++this.order
    const done = (async (): Promise<Latest> => {
      const version = await options.settle()
      const kept = this.entries.get(key)
      if (kept?.built && kept.version === version) return { ok: true, answer: kept.built, version, asOf: kept.asOf, stale: false }
      const entry = this.start(key, version, options.now(), options.build, false)
      const answered = await entry.answer
      return { ...answered, version, asOf: entry.asOf, stale: false }
    })()
    const refresh = { order, done }
    this.refreshes.set(key, refresh)
    const over = () => {
      if (this.refreshes.get(key) === refresh) this.refreshes.delete(key)
      this.refreshed.set(key, performance.now())
    }
    void done.then(over, over)
    return refresh
  }

  /**
   * Builds an answer, kept once it succeeds in place of the one kept before (which serves until
   * then), unless a build begun later finished first. It is first compressed in the encodings
   * clients took the one before in, so that no request waits for that once it is kept.
   */
  private start(key: string, version: string, asOf: string, build: () => Promise<Result<Buffer>>, stamped: boolean): Entry {
    const entry: Entry = { version, asOf, begun: ++this.order, answer: Promise.resolve({ ok: false, error: { error: 'internal', message: 'not built yet' } }), bytes: 0, encodings: new Set() }
    this.building.set(key, entry)
    const over = () => {
      if (this.building.get(key) === entry) this.building.delete(key)
    }
    const asked = [...(this.entries.get(key)?.encodings ?? [])]
    entry.answer = build().then(async (result): Promise<Answered> => {
      if (!result.ok) {
        over()
        return result
      }
      const answer = (entry.built = this.keep(key, entry, result.value, stamped))
      await Promise.all(asked.map((encoding) => answer.compressed(encoding).catch(() => undefined)))
      over()
      const previous = this.entries.get(key)
      if (!previous || previous.begun < entry.begun) {
        if (previous) {
          this.entries.delete(key)
          this.bytes -= previous.bytes
        }
        this.entries.set(key, entry)
        this.bytes += entry.bytes
        this.makeRoomBeside(entry)
      }
      return { ok: true, answer }
    })
    void entry.answer.catch(over)
    return entry
  }

  private keep(key: string, entry: Entry, json: Buffer, stamped: boolean): CachedAnswer {
    const copies = new Map<Encoding, Promise<Buffer>>()
    const around = stamped ? aroundMoment(json) : undefined
    // A moment-stamped answer is tagged without its moment: the same statuses at another moment
    // are the same answer to a client holding them (the tag is weak).
    const tagged = createHash('sha256')
    for (const part of around ?? [json]) tagged.update(part)
    entry.bytes = json.length
    return {
      etag: `W/"${tagged.digest('base64url').slice(0, 32)}"`,
      json,
      ...(around ? { aroundMoment: around } : {}),
      compressed: (encoding) => {
        let copy = copies.get(encoding)
        if (!copy) {
          entry.encodings.add(encoding)
          copies.set(encoding, (copy = compressors[encoding](json)))
          void copy.then((bytes) => this.grow(key, entry, bytes.length), () => copies.delete(encoding))
        }
        return copy
      },
    }
  }

  /** A compressed copy's bytes, added to its entry's and, once the entry is kept, to the total. */
  private grow(key: string, entry: Entry, bytes: number): void {
    entry.bytes += bytes
    if (this.entries.get(key) !== entry) return
    this.bytes += bytes
    this.makeRoomBeside(entry)
  }

  /** Lets the least recently used entries go while the total is past the bound. */
  private makeRoomBeside(entry: Entry): void {
    for (const [key, oldest] of this.entries) {
      if (this.bytes <= MAX_CACHED_BYTES || oldest === entry) break
      this.entries.delete(key)
      this.bytes -= oldest.bytes
    }
  }
}

/** The answer's JSON before and after its top-level `as_of` value, read once as it is kept. */
function aroundMoment(json: Buffer): readonly [Buffer, Buffer] {
  const answer = JSON.parse(json.toString('utf8')) as Record<string, unknown>
  if (typeof answer.as_of !== 'string') throw new Error('A moment-stamped answer has no as_of')
  // A mark no answer holds, so the split finds the top-level field and nothing else.
  const mark = `moment-${randomUUID()}`
  const [before, after, ...more] = JSON.stringify({ ...answer, as_of: mark }).split(JSON.stringify(mark))
  if (after === undefined || more.length > 0) throw new Error('A moment-stamped answer’s as_of could not be found once')
  return [Buffer.from(before!), Buffer.from(after)]
}

/**
 * Whether a query's kept answer is sent stamped with the request's moment: asked of the present
 * (no `as_of`), by a procedure whose answer names its moment.
 */
export function stampsMoment(name: string, input: Record<string, unknown>): boolean {
  return MOMENT_STAMPED.has(name) && input.as_of === undefined
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

/**
 * Answers with a kept answer: 304 when the client holds it already, else its bytes, compressed if
 * asked; a moment-stamped one with `now` as its moment.
 */
export async function sendCachedAnswer(c: Context, answer: CachedAnswer, now: () => string): Promise<Response> {
  c.header('ETag', answer.etag)
  c.header('Vary', 'Accept-Encoding, Authorization')
  // The client may keep the answer but must ask again; the ETag makes asking cheap.
  c.header('Cache-Control', 'private, no-cache')
  if (matchesEtag(c.req.header('if-none-match'), answer.etag)) return c.body(null, 304)
  c.header('Content-Type', 'application/json')
  if (answer.aroundMoment) {
    const [before, after] = answer.aroundMoment
    return c.body(asBody(Buffer.concat([before, Buffer.from(JSON.stringify(now())), after])), 200)
  }
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
