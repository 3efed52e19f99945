/**
 * Loading the sample workspace (39 applications, ninety days of hourly data for every metric their
 * policies require, each day's evaluation replayed) through the contract, as the console's button
 * does, against a bare baseline measured in the same run: better-sqlite3 writing every row the
 * load left in the workspace into a new file of the same schema, with prepared statements in one
 * transaction — the rows alone, nothing generated or evaluated. Also how long another program on
 * the same workspace waits for the write lock while the sample loads: one step of it at most.
 * Target: the console lands on the Dashboard within 5 s of the click (bench/sample-workspace-console.ts),
 * so the load itself well under that. Run with `npm run bench`.
 */
import { once } from 'node:events'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Worker } from 'node:worker_threads'
import BetterSqlite3 from 'better-sqlite3'
import { openEngine } from '../src-main/engine/engine'
import { STEP_BUDGET_MS } from '../src-main/engine/resumable-tasks'
import { caller } from '../src-main/testing/workspace'

const ROUNDS = 3
const folder = mkdtempSync(join(tmpdir(), 'govern-bench-'))
let counter = 0
const nextFile = () => join(folder, `sample${counter++}.sqlite`)

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]!
}

async function time(work: () => Promise<unknown> | unknown): Promise<number> {
  const start = process.hrtime.bigint()
  await work()
  return Number(process.hrtime.bigint() - start) / 1e6
}

/** Loads the sample into a new workspace through the contract; returns the file. */
async function loadSample(file: string): Promise<void> {
  const engine = await openEngine(file)
  try {
    await caller(engine)('workspace.loadSample', {})
  } finally {
    await engine.close()
  }
}

/** Every row of `source`, written into a new file of the same schema in one transaction. */
function writeBare(source: string, target: string): { ms: number; rows: number } {
  const from = new BetterSqlite3(source, { readonly: true })
  const schema = from.prepare("SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%'").all() as Array<{ type: string; name: string; sql: string }>
  const tables = schema.filter((entry) => entry.type === 'table').map((entry) => entry.name)
  const contents = tables.map((table) => ({ table, rows: from.prepare(`SELECT * FROM "${table}"`).raw(true).all() as unknown[][], columns: from.prepare(`SELECT * FROM "${table}"`).columns().map((c) => c.name) }))
  from.close()

  const to = new BetterSqlite3(target)
  to.pragma('journal_mode = WAL')
  to.pragma('synchronous = NORMAL')
  to.pragma('foreign_keys = ON')
  to.exec(schema.map((entry) => `${entry.sql};`).join('\n'))
  const statements = contents.map(({ table, columns, rows }) => ({ rows, insert: to.prepare(`INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`) }))
  const start = process.hrtime.bigint()
  to.transaction(() => {
    // Checked at commit, so tables go in any order.
    to.pragma('defer_foreign_keys = ON')
    for (const { insert, rows } of statements) for (const row of rows) insert.run(row)
  })()
  const ms = Number(process.hrtime.bigint() - start) / 1e6
  to.close()
  return { ms, rows: statements.reduce((count, s) => count + s.rows.length, 0) }
}

/**
 * Another program on the same workspace (a thread of its own, with its own connections and event
 * loop, as a process would have) writes every 50 ms while the sample loads; how long it waited.
 */
const OTHER_WRITER = `
require('tsx/cjs/api').register()
const { parentPort, workerData } = require('node:worker_threads')
const { openEngine } = require(workerData.engine)
void (async () => {
  const engine = await openEngine(workerData.file)
  const waits = []
  let stop = false
  parentPort.on('message', () => (stop = true))
  while (!stop) {
    const start = performance.now()
    await engine.tokens.create({ name: 'writer ' + waits.length, role: 'reviewer' })
    waits.push(performance.now() - start)
    if (waits.length === 1) parentPort.postMessage('writing')
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  await engine.close()
  parentPort.postMessage(waits)
})()
`

async function waitsOfAnotherWriter(file: string): Promise<number[]> {
  const loader = await openEngine(file)
  const other = new Worker(OTHER_WRITER, { eval: true, workerData: { file, engine: join(__dirname, '..', 'src-main', 'engine', 'engine.ts') } })
  await once(other, 'message')
  await caller(loader)('workspace.loadSample', {})
  other.postMessage('stop')
  const [waits] = (await once(other, 'message')) as [number[]]
  await other.terminate()
  await loader.close()
  return waits
}

async function main(): Promise<void> {
  // Warms up (code paths compiled, files cached), and measures another writer's waits.
  const waits = await waitsOfAnotherWriter(nextFile())

  const loads: number[] = []
  const bares: number[] = []
  let rows = 0
  for (let round = 0; round < ROUNDS; round++) {
    // Interleaved, so both see the same machine noise.
    const file = nextFile()
    loads.push(await time(() => loadSample(file)))
    const bare = writeBare(file, nextFile())
    bares.push(bare.ms)
    rows = bare.rows
  }
  rmSync(folder, { recursive: true, force: true })

  const loadMs = median(loads)
  const bareMs = median(bares)
  console.log(`load the sample workspace: ${loadMs.toFixed(0)} ms median of ${ROUNDS} (target: the console on its Dashboard < 5000 ms)`)
  console.log(`bare better-sqlite3 writing the same ${rows.toLocaleString('en')} rows: ${bareMs.toFixed(0)} ms; ratio ${(loadMs / bareMs).toFixed(2)}x`)
  console.log(`another program writing every 50 ms meanwhile: ${waits.length} writes, the longest waited ${Math.max(...waits).toFixed(0)} ms for its turn (a step is ${STEP_BUDGET_MS} ms)`)
}

void main()
