/**
 * How much structure a JSON text sent by a client may hold, checked before JSON.parse builds any
 * of it. A parsed object costs far more than its text (`[]` is 2 bytes and about 40 in memory; a
 * 32 MB body 16 million levels deep took a server from 213 MB to 1.8 GB), so the text's size
 * alone does not bound what parsing it costs: its nesting and its numbers of values, objects and
 * arrays, and member names do. No schema of ours nests deeper than 32 levels.
 */

export interface JsonBounds {
  /** Objects and arrays inside one another. */
  depth: number
  /** Objects and arrays in the whole text, the most costly values to build. */
  containers: number
  /** Member names of objects in the whole text. */
  members: number
  /** Values of every kind in the whole text: objects, arrays, strings, numbers, true, false, null. */
  values: number
}

export const DEEPEST_JSON = 64

/**
 * The bounds for a text of at most `bytes`: a body at its size limit holds at most one object or
 * array per 64 bytes, one member name per 32 and one value per 4, which real bodies stay far below
 * (100,000 observations of a metrics call, 32 MB at most, hold about 200,000 objects and arrays and
 * 500,000 names); parsing then costs a few times the text, never tens of times.
 */
export function jsonBoundsFor(bytes: number): JsonBounds {
  return {
    depth: DEEPEST_JSON,
    containers: Math.max(256, Math.floor(bytes / 64)),
    members: Math.max(512, Math.floor(bytes / 32)),
    values: Math.max(4096, Math.floor(bytes / 4)),
  }
}

/** The first bound a text passed, and where: `at` counts from 0, in bytes or characters as the text was given. */
export interface JsonBoundPassed {
  bound: keyof JsonBounds
  limit: number
  at: number
}

/** What went over, said for a person: "nested deeper than 64 levels at byte 64". */
export function describeJsonBound(passed: JsonBoundPassed, unit: 'byte' | 'character' = 'byte'): string {
  const limit = passed.limit.toLocaleString('en')
  const what =
    passed.bound === 'depth'
      ? `is nested deeper than ${limit} levels`
      : passed.bound === 'containers'
        ? `holds more than ${limit} objects and arrays`
        : passed.bound === 'members'
          ? `holds more than ${limit} member names`
          : `holds more than ${limit} values`
  return `${what} at ${unit} ${passed.at.toLocaleString('en')}`
}

const OPEN_OBJECT = 123 // {
const CLOSE_OBJECT = 125 // }
const OPEN_ARRAY = 91 // [
const CLOSE_ARRAY = 93 // ]
const QUOTE = 34
const BACKSLASH = 92
const COMMA = 44
const COLON = 58

/**
 * Counts a JSON text's structure as it arrives, in pieces of any size, and stops at the first
 * byte past a bound. It does not check the text is JSON (JSON.parse does that next); on a valid
 * text its counts are exact, and on another one they stop it no later than parsing would fail.
 * Structural characters are ASCII, which no byte of a multi-byte UTF-8 character and no UTF-16
 * code unit of another character equals, so bytes and characters are read alike.
 */
export class JsonShapeCheck {
  private readonly state = { at: 0, depth: 0, containers: 0, members: 0, values: 0, inString: false, escaped: false, inScalar: false, expectingName: false }
  /** Whether each open level is an object (1) or an array (0); index 1 is the outermost. */
  private readonly objects: Uint8Array

  constructor(private readonly bounds: JsonBounds) {
    this.objects = new Uint8Array(bounds.depth + 2)
  }

  /** Reads the next bytes; the first bound they pass, or undefined. */
  feedBytes(bytes: Uint8Array): JsonBoundPassed | undefined {
    return this.scan(bytes, '')
  }

  /** Reads the next characters of a text already decoded; the first bound they pass, or undefined. */
  feedText(text: string): JsonBoundPassed | undefined {
    return this.scan(undefined, text)
  }

  /**
   * One pass over `bytes`, or else `text`, with the state in locals written back at the end: the
   * loop runs once per byte of every body (about a tenth of what JSON.parse then takes).
   */
  private scan(bytes: Uint8Array | undefined, text: string): JsonBoundPassed | undefined {
    const { bounds, objects, state } = this
    let { depth, containers, members, values, inString, escaped, inScalar, expectingName } = state
    const start = state.at
    let passed: JsonBoundPassed | undefined
    const length = bytes ? bytes.length : text.length
    let index = 0
    for (; index < length; index++) {
      const code = bytes ? bytes[index]! : text.charCodeAt(index)
      if (inString) {
        if (escaped) escaped = false
        else if (code === BACKSLASH) escaped = true
        else if (code === QUOTE) inString = false
        continue
      }
      if (code === QUOTE) {
        inString = true
        inScalar = false
        if (expectingName) {
          expectingName = false
          if (++members > bounds.members) passed = { bound: 'members', limit: bounds.members, at: start + index }
        } else if (++values > bounds.values) passed = { bound: 'values', limit: bounds.values, at: start + index }
      } else if (code === COMMA) {
        inScalar = false
        expectingName = objects[depth] === 1
      } else if (code === OPEN_OBJECT || code === OPEN_ARRAY) {
        inScalar = false
        expectingName = code === OPEN_OBJECT
        if (++depth > bounds.depth) passed = { bound: 'depth', limit: bounds.depth, at: start + index }
        else {
          objects[depth] = code === OPEN_OBJECT ? 1 : 0
          if (++containers > bounds.containers) passed = { bound: 'containers', limit: bounds.containers, at: start + index }
          else if (++values > bounds.values) passed = { bound: 'values', limit: bounds.values, at: start + index }
        }
      } else if (code === CLOSE_OBJECT || code === CLOSE_ARRAY) {
        if (depth > 0) depth--
        inScalar = false
        expectingName = false
      } else if (code === COLON || code === 32 || code === 10 || code === 13 || code === 9) {
        inScalar = false
      } else if (!inScalar) {
        // A number, true, false or null begins.
        inScalar = true
        if (++values > bounds.values) passed = { bound: 'values', limit: bounds.values, at: start + index }
      }
      if (passed) break
    }
    Object.assign(state, { at: start + index, depth, containers, members, values, inString, escaped, inScalar, expectingName })
    return passed
  }
}

/** The first bound `text` passes, or undefined: for a text held whole, such as one line of a file. */
export function jsonBoundPassed(text: string, bounds: JsonBounds): JsonBoundPassed | undefined {
  return new JsonShapeCheck(bounds).feedText(text)
}
