/**
 * `govern serve` on PostgreSQL, as a shared server runs, killed with SIGKILL while a burst of
 * changes sent with Idempotency-Keys is in flight: every retry after the restart gets the
 * original answer, or applies a change that was never applied; never a 409, never a change twice
 * (killed-server-burst.ts). IDEMPOTENCY_SEED=<seed> replays a run's kill moments.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { openEngine } from '../engine/engine'
import { killDuringBurstAndRetry } from '../testing/killed-server-burst'
import { testDatabases } from '../testing/postgres-database'

const SEED = process.env.IDEMPOTENCY_SEED ?? String(Date.now())
const databases = testDatabases()
let databaseUrl: string
let token: string

beforeAll(async () => {
  databaseUrl = await databases.create()
  const engine = await openEngine(databaseUrl)
  token = (await engine.tokens.create({ name: 'pipeline', role: 'org_admin' })).secret
  await engine.close()
})

describe('govern serve on PostgreSQL killed during a burst of idempotent changes', () => {
  it('answers every retry with the original answer, or applies what was never applied, once', async () => {
    const outcome = await killDuringBurstAndRetry({ workspace: ['--database-url', databaseUrl], token, seed: SEED, rounds: 3, requestsPerRound: 30 })
    expect(outcome.answered + outcome.appliedAnswerLost + outcome.notApplied).toBe(90)
    console.info(`govern serve on PostgreSQL killed during a burst (seed ${SEED}):`, outcome)
  }, 180_000)
})
