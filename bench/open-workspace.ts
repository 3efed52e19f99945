/**
 * How long the engine takes to open a brand-new workspace and bring it to the current schema,
 * against a bare baseline measured in the same run: better-sqlite3 creating the same schema with
 * one exec of the same DDL. Target: under 100 ms absolute. Run with `npm run bench`.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import { openEngine } from '../src-main/engine/engine'

const ROUNDS = 30
const folder = mkdtempSync(join(tmpdir(), 'govern-bench-'))
let counter = 0
const nextFile = () => join(folder, `w${counter++}.sqlite`)

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]!
}

async function time(work: () => Promise<void> | void): Promise<number> {
  const start = process.hrtime.bigint()
  await work()
  return Number(process.hrtime.bigint() - start) / 1e6
}

async function main(): Promise<void> {
  // The schema as the migrations leave it, to replay bare.
  const reference = await openEngine(nextFile())
  await reference.close()
  const raw = new BetterSqlite3(join(folder, 'w0.sqlite'), { readonly: true })
  const ddl = (raw.prepare("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%'").all() as { sql: string }[])
    .map((row) => `${row.sql};`)
    .join('\n')
  raw.close()

  const engineTimes: number[] = []
  const bareTimes: number[] = []
  for (let round = 0; round < ROUNDS; round++) {
    // Interleaved, so both see the same machine noise.
    bareTimes.push(
      await time(() => {
        const db = new BetterSqlite3(nextFile())
        db.pragma('journal_mode = WAL')
        db.pragma('foreign_keys = ON')
        db.exec(`BEGIN; ${ddl} COMMIT;`)
        db.close()
      }),
    )
    engineTimes.push(
      await time(async () => {
        const engine = await openEngine(nextFile())
        await engine.close()
      }),
    )
  }
  rmSync(folder, { recursive: true, force: true })

  const engineMs = median(engineTimes)
  const bareMs = median(bareTimes)
  console.log(`open + migrate a new workspace: ${engineMs.toFixed(2)} ms median of ${ROUNDS} (target < 100 ms)`)
  console.log(`bare better-sqlite3, same schema: ${bareMs.toFixed(2)} ms`)
  console.log(`ratio to bare: ${(engineMs / bareMs).toFixed(2)}x`)
}

void main()
