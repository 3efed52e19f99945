import { describe, expect, it } from 'vitest'
import { describeInvalidUtf8, firstInvalidUtf8, unfinishedTail } from './utf8-bytes'

const bytes = (...values: number[]) => Uint8Array.from(values)

describe('where bytes stop being UTF-8', () => {
  it('finds nothing wrong in well-formed text of every length of character', () => {
    expect(firstInvalidUtf8(Buffer.from('plain, café, 中文, 𝄞'))).toBe(-1)
    expect(firstInvalidUtf8(bytes())).toBe(-1)
  })

  it('names the first byte at fault', () => {
    // "System Health" became "���(" from these bytes: ff starts no character.
    expect(firstInvalidUtf8(bytes(0x41, 0xff, 0xfe, 0xc3, 0x28))).toBe(1)
    // c3 must be followed by a continuation byte; ( is not one.
    expect(firstInvalidUtf8(bytes(0x41, 0xc3, 0x28))).toBe(2)
    // A lone continuation byte, an overlong form of "/", a UTF-16 surrogate, a value past U+10FFFF.
    expect(firstInvalidUtf8(bytes(0x80))).toBe(0)
    expect(firstInvalidUtf8(bytes(0x61, 0xc0, 0xaf))).toBe(1)
    expect(firstInvalidUtf8(bytes(0xed, 0xa0, 0x80))).toBe(1)
    expect(firstInvalidUtf8(bytes(0xf4, 0x90, 0x80, 0x80))).toBe(1)
    // Text that ends inside a character is at fault where the character starts.
    expect(firstInvalidUtf8(bytes(0x61, 0xe4, 0xb8))).toBe(1)
  })

  it('says how many bytes at the end of a piece start a character the next piece finishes', () => {
    expect(unfinishedTail(Buffer.from('abc'))).toBe(0)
    expect(unfinishedTail(Buffer.from('café'))).toBe(0)
    expect(unfinishedTail(bytes(0x61, 0xc3))).toBe(1)
    expect(unfinishedTail(bytes(0x61, 0xe4, 0xb8))).toBe(2)
    expect(unfinishedTail(bytes(0xf0, 0x9d, 0x84))).toBe(3)
    expect(unfinishedTail(bytes(0xf0, 0x9d, 0x84, 0x9e))).toBe(0)
  })

  it('words the fault with its position and byte', () => {
    expect(describeInvalidUtf8(9, bytes(0xff, 0xfe), 9)).toBe('byte 9 (0xff) is not valid UTF-8')
  })
})
