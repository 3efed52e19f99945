import { describe, expect, it } from 'vitest'
import { describeJsonBound, jsonBoundPassed, jsonBoundsFor, JsonShapeCheck, type JsonBounds } from './json-bounds'

const tight: JsonBounds = { depth: 3, containers: 4, members: 3, values: 8 }

describe('the structure of a JSON text, counted before it is parsed', () => {
  it('refuses the first level past the depth, at that byte', () => {
    expect(jsonBoundPassed('[[[1]]]', tight)).toBeUndefined()
    expect(jsonBoundPassed('[[[[1]]]]', tight)).toEqual({ bound: 'depth', limit: 3, at: 3 })
    // The fourth level is the { at 13.
    expect(jsonBoundPassed('{"a": {"b": [{"c": 1}]}}', tight)).toEqual({ bound: 'depth', limit: 3, at: 13 })
  })

  it('reads brackets, quotes and colons inside strings as text, escaped quotes included', () => {
    expect(jsonBoundPassed('["[[[[{{{{", "\\"[[[[", "\\\\", ":,:,"]', tight)).toBeUndefined()
    // After an escaped backslash the quote does end the string, and the bracket after it counts.
    expect(jsonBoundPassed('["\\\\", [[[1]]]]', tight)).toEqual({ bound: 'depth', limit: 3, at: 9 })
  })

  it('counts objects and arrays, member names and values, each against its own bound', () => {
    expect(jsonBoundPassed('[[],[],{}]', tight)).toBeUndefined()
    expect(jsonBoundPassed('[[],[],{},[]]', tight)).toEqual({ bound: 'containers', limit: 4, at: 10 })
    expect(jsonBoundPassed('{"a": 1, "b": 2, "c": 3}', tight)).toBeUndefined()
    expect(jsonBoundPassed('{"a": 1, "b": 2, "c": 3, "d": 4}', tight)).toEqual({ bound: 'members', limit: 3, at: 25 })
    // Names are not values: eight values, the object one of them.
    expect(jsonBoundPassed('{"a": [1, true, null, -2.5e3, "x", "y"]}', tight)).toBeUndefined()
    expect(jsonBoundPassed('[1, 2, 3, 4, 5, 6, 7, 8]', tight)).toEqual({ bound: 'values', limit: 8, at: 22 })
  })

  it('gives the same answer for a text arriving in pieces of any size, in bytes or characters', () => {
    const text = '{"é": ["\\"", {"b": [[1]]}]}'
    const whole = jsonBoundPassed(text, tight)
    expect(whole).toEqual({ bound: 'depth', limit: 3, at: 19 })
    const bytes = Buffer.from(text)
    for (let size = 1; size <= 4; size++) {
      const check = new JsonShapeCheck(tight)
      let passed
      for (let start = 0; start < bytes.length && !passed; start += size) passed = check.feedBytes(bytes.subarray(start, start + size))
      // é is two bytes: the byte position is one more than the character's.
      expect(passed).toEqual({ ...whole, at: 20 })
    }
  })

  it('allows a body at its size limit one object or array per 64 bytes, a name per 32, a value per 4, and 64 levels', () => {
    expect(jsonBoundsFor(1024 * 1024)).toEqual({ depth: 64, containers: 16_384, members: 32_768, values: 262_144 })
    expect(jsonBoundsFor(32 * 1024 * 1024)).toEqual({ depth: 64, containers: 524_288, members: 1_048_576, values: 8_388_608 })
    expect(jsonBoundPassed(`${'['.repeat(64)}${']'.repeat(64)}`, jsonBoundsFor(1024))).toBeUndefined()
    expect(describeJsonBound(jsonBoundPassed('['.repeat(16_000), jsonBoundsFor(1024 * 1024))!)).toBe('is nested deeper than 64 levels at byte 64')
    expect(describeJsonBound({ bound: 'values', limit: 262_144, at: 1_048_000 }, 'character')).toBe('holds more than 262,144 values at character 1,048,000')
  })
})
