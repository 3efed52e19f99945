/**
 * Every text a request carries, field names included, must be valid Unicode that both databases
 * store as sent. A lone UTF-16 surrogate (half of a character) cannot be: SQLite keeps U+FFFD in
 * its place, so two different names become one, and a uniqueness check that passed on the text
 * sent fails on the text stored. Nor can the NUL character, which PostgreSQL's text refuses.
 * Checked once, on the raw input of every procedure, before its schema reads it.
 */
import { fieldPath, type ApiErrorBody } from './errors'

/**
 * No schema nests deeper than this; anything below it is refused for its shape, never stored, so
 * the walk need not follow it (and cannot be made to overflow the stack).
 */
const DEEPEST_FIELD = 32

const isWellFormed = (text: string) => (text as unknown as { isWellFormed(): boolean }).isWellFormed() && !text.includes('\0')

/**
 * The refusal for the first text with a lone surrogate, naming its field as zod would (a field
 * name at fault is named itself); undefined when all is well. Input that is not an object is left
 * to the schema, which refuses it.
 */
export function loneSurrogateError(input: unknown): ApiErrorBody | undefined {
  if (typeof input !== 'object' || input === null || !hasLoneSurrogate(input, 0)) return undefined
  const at = loneSurrogateAt(input, 0)!
  const field = fieldPath(at.path)
  const message = `${at.inKey ? `${field}: the field name` : field} contains ${at.text.includes('\0') ? 'a NUL character (U+0000), which text cannot hold' : 'a lone UTF-16 surrogate (half of a character)'}; send valid Unicode text`
  return { error: 'invalid_input', message, field, issues: [{ field, message }] }
}

/**
 * The walk every request pays for, over every observation of a large ingest: no allocation, and
 * numbers (most of a metrics body) skipped at once. Plain objects inherit no enumerable fields,
 * so for…in needs no own-property test.
 */
function hasLoneSurrogate(value: unknown, depth: number): boolean {
  if (typeof value === 'string') return !isWellFormed(value)
  if (typeof value !== 'object' || value === null || depth > DEEPEST_FIELD) return false
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      const item: unknown = value[index]
      if (typeof item !== 'number' && hasLoneSurrogate(item, depth + 1)) return true
    }
    return false
  }
  for (const key in value) if (!isWellFormed(key) || hasLoneSurrogate((value as Record<string, unknown>)[key], depth + 1)) return true
  return false
}

/** Where the first lone surrogate is, once one is known to be there. */
function loneSurrogateAt(value: unknown, depth: number): { path: PropertyKey[]; inKey: boolean; text: string } | undefined {
  if (typeof value === 'string') return isWellFormed(value) ? undefined : { path: [], inKey: false, text: value }
  if (typeof value !== 'object' || value === null || depth > DEEPEST_FIELD) return undefined
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      const inner = loneSurrogateAt(value[index], depth + 1)
      if (inner) return { ...inner, path: [index, ...inner.path] }
    }
    return undefined
  }
  for (const key in value) {
    if (!isWellFormed(key)) return { path: [key], inKey: true, text: key }
    const inner = loneSurrogateAt((value as Record<string, unknown>)[key], depth + 1)
    if (inner) return { ...inner, path: [key, ...inner.path] }
  }
  return undefined
}
