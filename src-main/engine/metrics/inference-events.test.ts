import { describe, expect, it } from 'vitest'
import { acceptedWindow } from '../../../src-shared/domain/data-limits'
import { InferenceEvents } from './inference-events'

const WINDOW = acceptedWindow(new Date('2026-03-01T12:00:00Z'))

async function* inPieces(text: string, size: number): AsyncIterable<string> {
  for (let at = 0; at < text.length; at += size) yield text.slice(at, at + size)
}

const CSV = [
  'timestamp,latency_ms,pii,note',
  '2026-03-01T08:10:00Z,800,true,"a note, with a comma"',
  '',
  '2026-03-01T08:20:00Z,1200,false,"a note',
  'over two lines"',
  '2026-03-01T09:05:00Z,900,,plain',
  '',
].join('\n')

async function read(format: 'csv' | 'jsonl', text: string, size: number): Promise<InferenceEvents> {
  const events = new InferenceEvents(format, WINDOW)
  await events.read(inPieces(text, size))
  return events
}

describe('reading a file that arrives in pieces', () => {
  it('reads the same events whatever size the pieces are, quoted line breaks included', async () => {
    const whole = new InferenceEvents('csv', WINDOW)
    whole.add(CSV, 1)
    for (const size of [1, 3, 7, 64, 10_000]) {
      const events = await read('csv', CSV, size)
      expect({ size, events: events.events, buckets: events.buckets.size, ignored: [...events.ignored] }).toEqual({ size, events: 3, buckets: whole.buckets.size, ignored: ['note'] })
    }
  })

  it('names the line of a bad CSV record, counting quoted line breaks', async () => {
    const bad = `${CSV}2026-03-01T09:15:00Z,slow,false,x\n`
    for (const size of [5, 64, 10_000]) {
      await expect(read('csv', bad, size)).rejects.toMatchObject({ code: 'invalid_input', field: 'line 7.latency_ms' })
    }
  })

  it('names the line of a bad JSON line, across pieces', async () => {
    const jsonl = '{"timestamp": "2026-03-01T08:10:00Z", "latency_ms": 800}\n\n{"timestamp": "2026-03-01T08:20:00Z", "pii": "perhaps"}\n'
    for (const size of [2, 50, 10_000]) {
      await expect(read('jsonl', jsonl, size)).rejects.toMatchObject({ field: 'line 3.pii' })
    }
  })

  it('refuses a line longer than a million characters before it fills memory', async () => {
    const long = `{"timestamp": "2026-03-01T08:10:00Z", "note": "${'x'.repeat(1_100_000)}"}\n`
    await expect(read('jsonl', long, 64 * 1024)).rejects.toMatchObject({ message: expect.stringContaining('longer than 1,000,000 characters') })
  })

  it('refuses a line nested deeper than 64 levels before parsing it, naming the line and the character', async () => {
    const deep = `{"timestamp": "2026-03-01T08:10:00Z"}\n{"timestamp": "2026-03-01T08:20:00Z", "x": ${'['.repeat(500_000)}${']'.repeat(400_000)}\n`
    // The object is the first level and its first bracket, character 43 of line 2, the second: the 65th is 63 brackets on.
    await expect(read('jsonl', deep, 64 * 1024)).rejects.toMatchObject({ code: 'invalid_input', field: 'line 2', message: 'line 2: is not an event: it is nested deeper than 64 levels at character 106' })
  })
})
