/**
 * Where bytes stop being UTF-8, to name it in a refusal. Decoding replaces a bad byte with U+FFFD
 * and carries on, which would store "���(" for the bytes ff fe c3 28; a body is checked first
 * (by a fast native check), and these scans run only on one that failed it, to say where.
 */

/** How many bytes the character a lead byte starts takes, or 0 for a byte that starts none. */
function sequenceLength(lead: number): number {
  if (lead < 0x80) return 1
  if (lead >= 0xc2 && lead <= 0xdf) return 2
  if (lead >= 0xe0 && lead <= 0xef) return 3
  if (lead >= 0xf0 && lead <= 0xf4) return 4
  return 0
}

/** The range the second byte of a sequence must fall in: it rules out overlong forms, surrogates and values past U+10FFFF. */
function secondByteRange(lead: number): [number, number] {
  if (lead === 0xe0) return [0xa0, 0xbf]
  if (lead === 0xed) return [0x80, 0x9f]
  if (lead === 0xf0) return [0x90, 0xbf]
  if (lead === 0xf4) return [0x80, 0x8f]
  return [0x80, 0xbf]
}

/**
 * Whether the character starting at `index` is well formed, as far as `bytes` goes: 'ok' with
 * its length, 'bad' at the first byte that cannot be, or 'cut' when the bytes end inside it.
 */
function characterAt(bytes: Uint8Array, index: number): { kind: 'ok'; length: number } | { kind: 'bad'; at: number } | { kind: 'cut' } {
  const lead = bytes[index]!
  const length = sequenceLength(lead)
  if (length === 0) return { kind: 'bad', at: index }
  for (let offset = 1; offset < length; offset++) {
    if (index + offset >= bytes.length) return { kind: 'cut' }
    const byte = bytes[index + offset]!
    const [low, high] = offset === 1 ? secondByteRange(lead) : [0x80, 0xbf]
    if (byte < low || byte > high) return { kind: 'bad', at: index + offset }
  }
  return { kind: 'ok', length }
}

/**
 * The position of the first byte that is not part of well-formed UTF-8, or -1 when all are.
 * Bytes that end inside a character are at fault where that character starts.
 */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let index = 0
  while (index < bytes.length) {
    const found = characterAt(bytes, index)
    if (found.kind === 'bad') return found.at
    if (found.kind === 'cut') return index
    index += found.length
  }
  return -1
}

/**
 * How many bytes at the end of a well-formed piece begin a character the next piece finishes (0 to
 * 3), so a piece read later can be checked from the start of that character.
 */
export function unfinishedTail(bytes: Uint8Array): number {
  for (let back = 1; back <= Math.min(3, bytes.length); back++) {
    const byte = bytes[bytes.length - back]!
    if (byte < 0x80 || byte >= 0xc0) return sequenceLength(byte) > back ? back : 0
  }
  return 0
}

/** The refusal's words: "byte 12 (0xff) is not part of any UTF-8 character". */
export function describeInvalidUtf8(at: number, bytes: Uint8Array, offset = 0): string {
  const byte = bytes[at - offset]
  if (byte === undefined) return `the text ends inside a character at byte ${at.toLocaleString('en')}`
  return `byte ${at.toLocaleString('en')} (0x${byte.toString(16).padStart(2, '0')}) is not valid UTF-8`
}
