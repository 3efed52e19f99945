/**
 * The crash writer's journal: each write as it is about to be sent, then its answer. The writer
 * appends a line before it sends a write and another once the answer is in, each written whole
 * to the file before it goes on. A kill cannot take back what the kernel already holds, so after
 * it the journal names every write the writer began and every answer it had been given: a write
 * answered with success must be in the workspace; one begun and unanswered may or may not be.
 */
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs'
import type { ApiErrorBody } from '../../src-shared/api/errors'
import type { TemplateId } from '../../src-shared/domain/policy'

export type RateObservation = { metric: string; timestamp: string; count: number; total: number; id?: string }
export type RequestsObservation = { metric: 'requests'; timestamp: string; count: number; id?: string }

/** A write the crash writer sends, with all the parent needs to know what it must leave behind. */
export type CrashWrite =
  | { kind: 'createApplication'; id: string; name: string; tags: string[] }
  | { kind: 'updateApplication'; id: string; name: string; tags?: string[] }
  | { kind: 'ingest'; application: string; batch: string; observations: Array<RateObservation | RequestsObservation> }
  | { kind: 'import'; application: string; batch: string; content: string }
  | { kind: 'createPolicy'; name: string; template: TemplateId | null; tags: string[] }
  | { kind: 'updatePolicy'; id: string; version: number; metric: string; threshold: number; tags?: string[] }
  | { kind: 'evaluate' }

/** What came back: for a new policy, its id (the only thing the writer cannot choose itself). */
export type CrashAnswer = { policy?: string }

export type JournalLine = { seq: number; begin: CrashWrite } | { seq: number; ack: CrashAnswer } | { seq: number; failed: ApiErrorBody }

/** A write as the parent sees it once the writer is dead. */
export interface JournalEntry {
  seq: number
  write: CrashWrite
  outcome: 'acknowledged' | 'failed' | 'in flight'
  answer?: CrashAnswer
  error?: ApiErrorBody
}

export class JournalWriter {
  private readonly fd: number

  constructor(path: string) {
    this.fd = openSync(path, 'a')
  }

  /** One write(2) per line: a line is in the file, whole, before the writer goes on. */
  append(line: JournalLine): void {
    const bytes = Buffer.from(`${JSON.stringify(line)}\n`)
    let written = 0
    while (written < bytes.length) written += writeSync(this.fd, bytes, written)
  }

  close(): void {
    closeSync(this.fd)
  }
}

/** Reads a journal; a last line cut short by the kill was never finished, so it never happened. */
export function readJournal(path: string): JournalEntry[] {
  const text = readFileSync(path, 'utf8')
  const complete = text.slice(0, text.lastIndexOf('\n') + 1)
  const entries = new Map<number, JournalEntry>()
  for (const raw of complete.split('\n')) {
    if (raw === '') continue
    const line = JSON.parse(raw) as JournalLine
    if ('begin' in line) entries.set(line.seq, { seq: line.seq, write: line.begin, outcome: 'in flight' })
    else {
      const entry = entries.get(line.seq)
      if (!entry) throw new Error(`journal ${path}: an answer to write ${line.seq}, which never began`)
      if ('ack' in line) Object.assign(entry, { outcome: 'acknowledged', answer: line.ack })
      else Object.assign(entry, { outcome: 'failed', error: line.failed })
    }
  }
  return [...entries.values()].sort((a, b) => a.seq - b.seq)
}
