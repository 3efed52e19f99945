/**
 * How long `audit.verify` takes to check a trail of 100,000 events, against a bare baseline
 * measured in the same run: better-sqlite3 reading the same rows and hashing their text with
 * node:crypto in a plain loop, checking nothing. Target: under a second. Run with `npm run bench`.
 */
import { createHash } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import { recordAuditMany, type AuditEntry } from '../src-main/engine/audit-trail'
import { openEngineParts } from '../src-main/engine/engine'

const EVENTS = 100_000
const PER_WRITE = 5_000
const ROUNDS = 5

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]!
}

async function time<T>(work: () => Promise<T> | T): Promise<[T, number]> {
  const start = process.hrtime.bigint()
  const result = await work()
  return [result, Number(process.hrtime.bigint() - start) / 1e6]
}

/** Events shaped like the trail's own: an application's change, before and after. */
function entries(from: number): AuditEntry[] {
  return Array.from({ length: PER_WRITE }, (_, index) => {
    const n = from + index
    const app = `app_${String(n % 1000).padStart(4, '0')}`
    return {
      action: 'application.updated',
      entityType: 'application',
      entityId: app,
      before: { name: `Application ${n % 1000}`, tags: ['production', 'external-facing'], team: 'Claims', environment: 'production' },
      after: { name: `Application ${n % 1000} v${n}`, tags: ['production', 'external-facing'], team: 'Claims', environment: 'production' },
    }
  })
}

async function main(): Promise<void> {
  const folder = mkdtempSync(join(tmpdir(), 'govern-bench-'))
  const file = join(folder, 'audit.sqlite')
  const { engine, context } = await openEngineParts(file)
  const actor = { id: 'usr_bench', name: 'Bench Writer' }
  const [, writeMs] = await time(async () => {
    for (let from = 0; from < EVENTS; from += PER_WRITE) {
      const at = new Date(Date.UTC(2026, 0, 1) + from * 1000).toISOString()
      await context.mutate(['audit'], (tx) => recordAuditMany(tx, actor, at, entries(from)))
    }
  })

  const verifyTimes: number[] = []
  const bareTimes: number[] = []
  const bare = new BetterSqlite3(file, { readonly: true })
  const read = bare.prepare('SELECT id, at, actor_id, actor_name, action, entity_type, entity_id, before_json, after_json, prev_hash FROM audit_events ORDER BY id').raw(true)
  for (let round = 0; round < ROUNDS; round++) {
    // Interleaved, so both see the same machine noise.
    const [hashed, bareMs] = await time(() => {
      let count = 0
      for (const row of read.iterate() as Iterable<unknown[]>) {
        createHash('sha256').update(row.join('\u0000')).digest('hex')
        count++
      }
      return count
    })
    bareTimes.push(bareMs)
    const [result, verifyMs] = await time(() => engine.handlers['audit.verify']({}, { actor: { ...actor, role: 'org_admin' } }))
    verifyTimes.push(verifyMs)
    if (!result.ok || result.events !== EVENTS || hashed !== EVENTS) throw new Error(`the bench trail did not verify: ${JSON.stringify(result)}`)
  }
  bare.close()
  await engine.close()
  rmSync(folder, { recursive: true, force: true })

  const verifyMs = median(verifyTimes)
  const bareMs = median(bareTimes)
  console.log(`writing ${EVENTS.toLocaleString('en-US')} chained events through the audit writer: ${writeMs.toFixed(0)} ms (${PER_WRITE.toLocaleString('en-US')} a transaction)`)
  console.log(`audit.verify on ${EVENTS.toLocaleString('en-US')} events: ${verifyMs.toFixed(0)} ms median of ${ROUNDS} (target < 1,000 ms)`)
  console.log(`bare better-sqlite3 read + node:crypto SHA-256 of the same rows: ${bareMs.toFixed(0)} ms`)
  console.log(`ratio to bare: ${(verifyMs / bareMs).toFixed(2)}x`)
}

void main()
