import { setTimeout } from 'node:timers/promises'
import { sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import { freshEngineForEachTest } from '../../testing/fresh-engine'
import { withRawWorkspace } from '../../testing/engine-database'
import { isQueued, queueEvaluation } from '../evaluation-queue'
import { BucketAccumulator, writeBuckets } from '../metrics/buckets'
import { hourOf } from '../metrics/hours'

const fixture = freshEngineForEachTest('one-application-reads', '2026-03-01T10:30:00.000Z')
const call: typeof fixture.call = (...args) => fixture.call(...args)
const hourAgo = () => new Date(fixture.clock.now().getTime() - 3_600_000).toISOString()
const pii = (id: string, percent: number) => call('metrics.ingest', { id, observations: [{ metric: 'pii', timestamp: hourAgo(), count: percent * 10, total: 1000 }] })

async function twoApplicationsUnderOnePolicy(): Promise<void> {
  await call('applications.create', { id: 'app_a', name: 'Alpha' })
  await call('applications.create', { id: 'app_b', name: 'Bravo' })
  await call('policies.create', { name: 'No leaks', enforcement_delay_days: 0, alert_rules: [{ metric: 'pii', operator: '>', threshold: 2, severity: 'critical' }], scope: { apply_to_all: true } })
  await pii('app_a', 1)
  await pii('app_b', 1)
  await fixture.engine.settle()
}

/**
 * Another application's long write, as an import of a large file is: a real write transaction of
 * this process, on B's data, held open until the test lets it go.
 */
function holdWriteForB(): { begun: Promise<void>; release: () => void; done: Promise<void>; settled: () => boolean } {
  let release!: () => void
  let begun!: () => void
  const released = new Promise<void>((resolve) => (release = resolve))
  const started = new Promise<void>((resolve) => (begun = resolve))
  let over = false
  const done = fixture.context
    .mutate(
      ['metrics'],
      async (tx) => {
        await queueEvaluation(tx, fixture.context.nowIso(), ['app_b'])
        begun()
        await released
      },
      ['app_b'],
    )
    .finally(() => {
      over = true
    })
  return { begun: started, release, done, settled: () => over }
}

/** Until another write of this process waits for the lock (on SQLite it queues in this process at once). */
async function untilWriteWaits(): Promise<void> {
  if (!fixture.engine.path.startsWith('postgres')) return
  for (;;) {
    const { rows } = await sql<{ n: string }>`SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted`.execute(fixture.context.db)
    if (Number(rows[0]!.n) > 0) return
    await setTimeout(5)
  }
}

describe('a read of one application', () => {
  it('answers its own latest write while another application’s import holds the write lock', async () => {
    await twoApplicationsUnderOnePolicy()
    // A's new data (5% PII) as an ingest writes it; B's import asks for the lock while A holds it,
    // so B has it next, before the evaluation A's change starts once committed can ask.
    let b: ReturnType<typeof holdWriteForB> | undefined
    await fixture.context.mutate(
      ['metrics', 'compliance'],
      async (tx) => {
        const buckets = new BucketAccumulator()
        const bucket = buckets.bucket('pii', hourOf(Date.parse(hourAgo())))
        bucket.n += 50
        bucket.total += 1000
        await writeBuckets(tx, 'app_a', buckets)
        await queueEvaluation(tx, fixture.context.nowIso(), ['app_a'])
        b = holdWriteForB()
        await untilWriteWaits()
      },
      ['app_a'],
    )
    try {
      await b!.begun
      expect(await isQueued(fixture.context.db, 'app_a')).toBe(true)

      const read = await call('compliance.application', { id: 'app_a' })
      expect(read.status).toBe('non_compliant')
      expect(read.policies[0]!.requirements[0]).toMatchObject({ requirement: 'pii', outcome: 'breach' })
      expect(b!.settled()).toBe(false)
    } finally {
      b!.release()
      await b!.done
    }
    await fixture.engine.settle()
    expect(await isQueued(fixture.context.db, 'app_a')).toBe(false)
    expect((await call('compliance.application', { id: 'app_a' })).status).toBe('non_compliant')
  })

  it('evaluates and stores only its own application, leaving the rest of the queue', async () => {
    await twoApplicationsUnderOnePolicy()
    // Queued by a change of another process's making: nothing here drains it in the background.
    await fixture.context.bookkeep((tx) => queueEvaluation(tx, fixture.context.nowIso(), ['app_a', 'app_b']))
    // With no other write of this process under way, the read stores what it evaluates.
    await fixture.notifier.idle()
    expect((await call('compliance.application', { id: 'app_a' })).status).toBe('compliant')
    expect(await isQueued(fixture.context.db, 'app_a')).toBe(false)
    expect(await isQueued(fixture.context.db, 'app_b')).toBe(true)
  })
})

describe('what one application’s kept answers are current under', () => {
  it('stays through another application’s new data and evaluation, and moves with its own', async () => {
    await twoApplicationsUnderOnePolicy()
    const a = await fixture.engine.applicationGeneration('app_a')
    const b = await fixture.engine.applicationGeneration('app_b')
    await pii('app_b', 5)
    await fixture.engine.settle()
    expect(await fixture.engine.applicationGeneration('app_a')).toBe(a)
    const bAfter = await fixture.engine.applicationGeneration('app_b')
    expect(bAfter).not.toBe(b)

    await pii('app_a', 5)
    expect(await fixture.engine.applicationGeneration('app_a')).not.toBe(a)
    await fixture.engine.settle()
    expect(await fixture.engine.applicationGeneration('app_b')).toBe(bAfter)
  })

  it('moves for every application with a policy change', async () => {
    await twoApplicationsUnderOnePolicy()
    const before = await Promise.all(['app_a', 'app_b'].map((id) => fixture.engine.applicationGeneration(id)))
    await call('policies.create', { name: 'Fast', enforcement_delay_days: 0, alert_rules: [{ metric: 'latency_p95', operator: '>', threshold: 900, severity: 'medium' }], scope: { apply_to_all: true } })
    const after = await Promise.all(['app_a', 'app_b'].map((id) => fixture.engine.applicationGeneration(id)))
    expect(after[0]).not.toBe(before[0])
    expect(after[1]).not.toBe(before[1])
  })

  it('moves for every application when another connection commits, whatever it changed', async () => {
    await twoApplicationsUnderOnePolicy()
    const before = await fixture.engine.applicationGeneration('app_a')
    // A SQLite connection of the test's thread waits for the lock without yielding: nothing here may hold it then.
    await fixture.notifier.idle()
    // Another process (or this one's worker thread) renames B: nothing here can tell what it touched.
    await withRawWorkspace(fixture.engine.path, (db) => db.updateTable('applications').set({ name: 'Bravo, renamed' }).where('id', '=', 'app_b').execute())
    expect(await fixture.engine.applicationGeneration('app_a')).not.toBe(before)
  })
})
