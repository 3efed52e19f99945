import { describe, expect, it } from 'vitest'
import { freshEngineForEachTest } from '../../testing/fresh-engine'
import type { Tx } from '../db/schema'
import { evaluateEverything } from './evaluator'

const fixture = freshEngineForEachTest('everything', '2026-03-01T10:30:00.000Z')
const hourAgo = () => new Date(fixture.clock.now().getTime() - 3_600_000).toISOString()

async function portfolio(size: number): Promise<void> {
  for (let i = 0; i < size; i++) await fixture.call('applications.create', { id: `app_${i}`, name: `App ${i}` })
  await fixture.call('policies.createFromTemplate', { template_id: 'sensitive_data', scope: { apply_to_all: true, tags: [], application_ids: [] } })
  for (let i = 0; i < size; i += 2) await fixture.call('metrics.ingest', { id: `app_${i}`, observations: [{ metric: 'pii', timestamp: hourAgo(), count: 90, total: 1000 }] })
}

const stored = () => fixture.context.db.selectFrom('compliance_current').select(['application_id', 'policy_id', 'status', 'results_json']).orderBy('application_id').execute()
const openGaps = () => fixture.context.db.selectFrom('gaps').select(['application_id', 'requirement']).where('resolved_at', 'is', null).orderBy('application_id').execute()

describe('evaluating every application', () => {
  it('takes a large portfolio a slice per transaction, and stores what one transaction would', async () => {
    await portfolio(7)
    const transactions: number[] = []
    const write = <T>(work: (tx: Tx) => Promise<T>) =>
      fixture.context.mutate(['compliance'], async (tx) => {
        transactions.push(transactions.length)
        return work(tx)
      })
    const now = () => fixture.clock.now().toISOString()
    const sliced = await evaluateEverything(fixture.context.db, write, now, 3)
    expect(sliced.applications).toBe(7)
    expect(transactions).toHaveLength(3)
    const slicedStatuses = await stored()
    const slicedGaps = await openGaps()
    expect(slicedGaps.map((gap) => gap.application_id)).toEqual(['app_0', 'app_2', 'app_4', 'app_6'])

    const whole = await evaluateEverything(fixture.context.db, write, now)
    expect(whole.applications).toBe(7)
    expect(transactions).toHaveLength(4)
    expect(await stored()).toEqual(slicedStatuses)
    expect(await openGaps()).toEqual(slicedGaps)
  })
})
