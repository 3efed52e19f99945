/**
 * Crash safety of the workspace file: writers (src-main/testing/crash-writer.ts) write through the
 * contract until they are killed with SIGKILL at a random moment, mostly mid-write; the file is
 * then reopened as the product opens it. It must pass SQLite's own checks, hold every write its
 * writer was told succeeded, and hold each write in flight wholly or not at all.
 *
 * The kill times and the writes follow one seed, printed with any failure: CRASH_SEED=<seed>
 * replays the same writes and kill delays (where a kill lands in a write still varies with speed).
 */
import { setTimeout as sleep } from 'node:timers/promises'
import BetterSqlite3 from 'better-sqlite3'
import { afterAll, describe, expect, it, type TestContext } from 'vitest'
import { WorkspaceModel, fileProblems } from '../../testing/crash-check'
import { readJournal, type JournalEntry } from '../../testing/crash-journal'
import type { CrashLane, CrashWriterOptions } from '../../testing/crash-writer'
import { CrashWriters, type CrashWriterProcess } from '../../testing/crash-writer-process'
import { seededRandom } from '../seeded-random'
import { caller, tempFolder } from '../../testing/workspace'
import { openEngine } from '../engine'

const SEED = process.env.CRASH_SEED ?? String(Date.now())
/** Killed this long after the writer is ready: from a few writes in to a few hundred. */
const KILL_AFTER_MS = { min: 30, max: 600 }

const folder = tempFolder()
let keepFolder = false
afterAll(() => {
  if (keepFolder) console.error(`crash-safety: the workspaces and journals of the failed runs are kept in ${folder.path('')}`)
  else folder.remove()
})

/** Writers for one test, all killed when it ends; a failure keeps the files for a post-mortem. */
function writersFor({ onTestFailed, onTestFinished }: TestContext): CrashWriters {
  const writers = new CrashWriters()
  onTestFinished(() => writers.close())
  onTestFailed(() => {
    keepFolder = true
  })
  return writers
}

function killDelay(random: () => number): number {
  return KILL_AFTER_MS.min + Math.floor(random() * (KILL_AFTER_MS.max - KILL_AFTER_MS.min))
}

/**
 * Lets the writers write, kills each `delays[i]` ms after it is ready, then reopens the file and
 * checks it against the model, which grows by what the writers left. Returns their lanes' journals.
 */
async function crashAndCheck(file: string, model: WorkspaceModel, writers: CrashWriterProcess[], options: CrashWriterOptions[], delays: number[], context: string): Promise<JournalEntry[][]> {
  try {
    await Promise.all(
      writers.map(async (writer, index) => {
        writer.begin(options[index]!)
        await writer.ready
        await sleep(delays[index]!)
        writer.kill()
      }),
    )
  } finally {
    for (const writer of writers) writer.kill()
  }
  const deaths = await Promise.all(writers.map((writer) => writer.exited))
  expect(deaths, `${context}: a writer died of something other than the kill\n${writers.map((writer) => writer.stderr()).join('\n')}`).toEqual(writers.map(() => 'SIGKILL'))
  const journals = writers.flatMap((writer) => writer.journals().map(readJournal))

  // Opened as the product opens it: this is where SQLite recovers from the crash.
  const engine = await openEngine(file)
  const db = new BetterSqlite3(file, { readonly: true })
  try {
    const problems = [...fileProblems(db), ...journals.flatMap((entries) => model.settle(db, entries)), ...model.differences(db)]
    expect(problems, context).toEqual([])
    const organization = await caller(engine)('compliance.organization', {})
    expect(organization.policies.map((policy) => policy.id).sort(), `${context}: the reopened workspace answers a read`).toEqual(model.policyIds())
  } finally {
    db.close()
    await engine.close()
  }
  expect(journals.flat().filter((entry) => entry.outcome === 'failed'), `${context}: no write was refused`).toEqual([])
  return journals
}

const acknowledged = (journal: readonly JournalEntry[]) => journal.filter((entry) => entry.outcome === 'acknowledged').length

/** Lanes for a run: each its own client of the process, with its own journal. */
function lanes(name: string, run: number, letters: string): CrashLane[] {
  return [...letters].map((lane) => ({ lane, journal: folder.path(`${name}-${run}-${lane}.jsonl`) }))
}

describe('a workspace whose writers are killed with SIGKILL', () => {
  it('keeps every acknowledged write and an intact file across 20 kill -9 crashes mid-write', async (context) => {
    const writers = writersFor(context)
    const file = folder.path('one-process.sqlite')
    const model = new WorkspaceModel()
    const random = seededRandom(`${SEED}:one-process`)
    const counts: number[] = []
    for (let run = 0; run < 20; run++) {
      const delay = killDelay(random)
      // Two clients at once, as `govern serve` has: one's transaction waits on the other's.
      const options = { db: file, lanes: lanes('one-process', run, 'ab'), run: String(run), seed: SEED }
      const about = `CRASH_SEED=${SEED}, run ${run} of one process, killed ${delay} ms after it was ready; journals ${options.lanes.map((lane) => lane.journal).join(', ')}`
      const journals = await crashAndCheck(file, model, writers.take(1), [options], [delay], about)
      expect(journals.flat().length, `${about}: the writer began writing`).toBeGreaterThan(0)
      counts.push(journals.map(acknowledged).reduce((sum, n) => sum + n, 0))
    }
    // Crashes after nothing was written would prove nothing.
    expect(counts.reduce((sum, n) => sum + n, 0)).toBeGreaterThanOrEqual(20)
    console.info(`crash-safety (seed ${SEED}): 20 crashes of one process, ${counts.join('+')} acknowledged writes; the file holds ${JSON.stringify(model.size())}`)
  }, 180_000)

  it('keeps both processes’ acknowledged writes when two processes sharing the file are killed mid-write', async (context) => {
    const writers = writersFor(context)
    const file = folder.path('two-processes.sqlite')
    // Created first, as by the first program to open it: two creating one at once is the case below.
    await (await openEngine(file)).close()
    const model = new WorkspaceModel()
    const random = seededRandom(`${SEED}:two-processes`)
    const counts: string[] = []
    for (let run = 0; run < 5; run++) {
      const delays = [killDelay(random), killDelay(random)]
      // One evaluates on a worker thread with a connection of its own (as the desktop app does), the other not (as `govern import`).
      const options: CrashWriterOptions[] = [
        { db: file, lanes: lanes('two-processes', run, 'pq'), run: String(run), seed: SEED, worker: true },
        { db: file, lanes: lanes('two-processes', run, 'rs'), run: String(run), seed: SEED },
      ]
      const about = `CRASH_SEED=${SEED}, run ${run} of two processes, killed ${delays.join(' and ')} ms after they were ready; journals in ${folder.path('')}`
      const journals = await crashAndCheck(file, model, writers.take(2), options, delays, about)
      counts.push(journals.map(acknowledged).join('/'))
    }
    console.info(`crash-safety (seed ${SEED}): 5 crashes of two processes, ${counts.join(' + ')} acknowledged writes (by lane); the file holds ${JSON.stringify(model.size())}`)
  }, 120_000)
})

/**
 * Creating a workspace is its migrations, run in one BEGIN IMMEDIATE transaction (see
 * write-lock.ts): a creator killed mid-way leaves nothing half-made, and two programs creating one
 * file at once take turns. Before, a killed creator could leave tables without their migration
 * record, and every later open failed with "table … already exists".
 */
describe('a new workspace whose creators are killed or race', () => {
  it('opens again after its creator was killed at any moment of creating it', async (context) => {
    const writers = writersFor(context)
    // Each on a new file of its own, killed from before the file exists to after it is created.
    const creators = writers.take(8, 0)
    await Promise.all(creators.map((writer) => writer.loaded))
    for (const [index, writer] of creators.entries()) {
      const file = folder.path(`created-${index}.sqlite`)
      writer.begin({ db: file, lanes: [{ lane: 'a', journal: `${file}.jsonl` }], run: '0', seed: SEED })
      await sleep(index * 15)
      writer.kill()
      await writer.exited
      await (await openEngine(file)).close()
    }
  })

  it('lets two programs create one workspace at the same moment', async (context) => {
    const writers = writersFor(context)
    for (let attempt = 0; attempt < 2; attempt++) {
      const file = folder.path(`raced-${attempt}.sqlite`)
      const pair = writers.take(2)
      await Promise.all(pair.map((writer) => writer.loaded))
      pair.forEach((writer, index) => writer.begin({ db: file, lanes: [{ lane: 'pq'[index]!, journal: `${file}-${index}.jsonl` }], run: '0', seed: SEED }))
      await Promise.all(pair.map((writer) => writer.ready))
      for (const writer of pair) writer.kill()
    }
  })
})
