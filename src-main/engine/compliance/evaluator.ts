/**
 * Keeping statuses current. Evaluation runs for exactly the applications queued by a change (new
 * data, rules, policies), for everything on a timer (windows slide, grace periods end), and on
 * demand ("Evaluate now"). Each run stores the statuses with their evaluation time, opens and
 * resolves gaps, queues one alert per gap transition, and records the day's counts for the trend.
 */
import { sql } from 'kysely'
import { recordAuditMany, type AuditEntry } from '../audit-trail'
import { chunks, rowsPerInsert } from '../batch'
import type { EngineContext } from '../context'
import { rowInserter } from '../db/prepared'
import type { Db, Tx } from '../db/schema'
import { clearQueued, isQueued, queuedApplications } from '../evaluation-queue'
import { taskUnderWay } from '../resumable-tasks'
import { evaluateAt, type EvaluatedApplication, type Judged } from './evaluate'
import { reasonFor, reportedValue } from './judge'
import { queueAlert } from '../alert-outbox'
import { attestationWorkDue, keepAttestationsCurrent, nextAttestationWork } from '../attestations/upkeep'
import type { Notifier } from './notifier'
import { encodeResults } from './stored-results'

/** How often a running console re-evaluates everything: windows slide and grace periods end without any change. */
export const EVALUATION_INTERVAL_MS = 5 * 60_000

export const EVALUATION_ACTOR = { id: 'system', name: 'Governance Console' }

export interface EvaluationRun {
  evaluated_at: string
  applications: number
}

/**
 * Evaluates every application somewhere other than this thread, answering when it evaluated and
 * how many applications (null when it skipped: a long write was under way).
 */
export type EvaluateEverythingElsewhere = () => Promise<{ at: string; applications: number | null }>

/** Later than any moment the workspace will see. */
const NEVER = '9999-12-31T23:59:59.999Z'

export class Evaluator {
  private timer: NodeJS.Timeout | undefined
  private everything: Promise<EvaluationRun> | undefined
  private readonly inFlight = new Set<Promise<unknown>>()

  constructor(
    private readonly engine: EngineContext,
    private readonly notifier: Notifier,
    /** Where a full evaluation runs (a worker thread), so the requests on this thread don't wait behind it. */
    private readonly elsewhere?: EvaluateEverythingElsewhere,
  ) {}

  /**
   * Evaluates every queued application (given `applicationId`, that one alone, if it is queued),
   * so a read that follows answers current statuses. An empty queue costs one read, no lock; so
   * does a queue waiting for a long write (see evaluate), which every read would otherwise turn
   * into a write and a change announced, for nothing.
   */
  async drain(applicationId?: string): Promise<EvaluationRun> {
    const drained = await this.evaluateIfDue(applicationId)
    return 'run' in drained ? drained.run : { evaluated_at: this.engine.nowIso(), applications: 0 }
  }

  /**
   * As drain, answering the evaluation it ran, or, when nothing was due, until when nothing will
   * be unless the workspace changes: the next attestation moment (now, if a long write is under
   * way or `applicationId` narrowed the look at the queue).
   */
  async evaluateIfDue(applicationId?: string): Promise<{ run: EvaluationRun } | { quietUntil: string }> {
    const { db } = this.engine
    const now = this.engine.nowIso()
    // A connected desktop evaluates nothing itself: only a pull, a change of its own, brings news.
    if (this.engine.replica) return { quietUntil: NEVER }
    // Time alone can make work: a period begins, a deadline or an exception's expiry passes.
    // Both asked at once: on PostgreSQL each is a round trip, and every read begins with them.
    const [queued, nextAttestation] = await Promise.all([isQueued(db, applicationId), nextAttestationWork(db)])
    const due = queued || nextAttestation === null || nextAttestation <= now
    if (!due) return { quietUntil: applicationId === undefined ? nextAttestation! : now }
    if (await taskUnderWay(db)) return { quietUntil: now }
    return { run: await this.track(this.evaluate(applicationId === undefined ? {} : { only: applicationId })) }
  }

  /**
   * Whether one application awaits evaluation, after doing whatever time alone made due (a
   * period begins, a deadline passes: rare, and for the whole workspace). The rest of the queue is
   * left to the background: a read of this application waits for nobody else's evaluation.
   */
  async awaitsEvaluation(applicationId: string): Promise<boolean> {
    if (this.engine.replica) return false
    await this.keepUpWithTime()
    return isQueued(this.engine.db, applicationId)
  }

  /** Whether a write of this process (a full evaluation on its thread among them) holds or awaits the write lock. */
  get writeUnderWay(): boolean {
    return this.engine.writeUnderWay || this.everything !== undefined
  }

  /**
   * Does what time alone made due (sign-off periods, deadlines, expiries), and answers until when
   * nothing more will be unless the workspace changes (now, while a long write holds it off).
   */
  async keepUpWithTime(): Promise<string> {
    if (this.engine.replica) return NEVER
    const next = await nextAttestationWork(this.engine.db)
    if (next !== null && next > this.engine.nowIso()) return next
    await this.keepAttestationsCurrent()
    const after = await nextAttestationWork(this.engine.db)
    const now = this.engine.nowIso()
    return after !== null && after > now ? after : now
  }

  /** Evaluates the given application (with whatever is queued) now, or every application. */
  evaluateNow(applicationId?: string): Promise<EvaluationRun> {
    // A connected desktop's statuses, gaps and attestation requests are its server's, pulled.
    if (this.engine.replica) return Promise.resolve({ evaluated_at: this.engine.nowIso(), applications: 0 })
    if (applicationId) return this.track(this.evaluate({ also: [applicationId] }))
    // Calls while a full evaluation runs share it rather than queue another.
    this.everything ??= this.track(this.evaluateEverything()).finally(() => {
      this.everything = undefined
    })
    return this.everything
  }

  /** Re-evaluates everything every `everyMs`, and sends due alerts. */
  start(everyMs: number): void {
    this.stop()
    this.timer = setInterval(() => {
      void this.evaluateNow().catch(() => undefined)
    }, everyMs)
    this.timer.unref()
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = undefined
  }

  /** Resolves once no evaluation started here is running. */
  async idle(): Promise<void> {
    await Promise.allSettled([...this.inFlight])
  }

  private track<T>(work: Promise<T>): Promise<T> {
    this.inFlight.add(work)
    void work.finally(() => this.inFlight.delete(work)).catch(() => undefined)
    return work
  }

  /**
   * The queue is read, and the moment taken, under the write lock: two evaluations never take the
   * same entries, and nothing committed while this one waited falls outside its windows. `only`
   * narrows it to one application (if queued); `also` adds applications to the whole queue.
   */
  private async evaluate(scope: { also?: readonly string[]; only?: string }): Promise<EvaluationRun> {
    type Outcome = { run: EvaluationRun; attestations: boolean; evaluated: string[] | undefined }
    const { run } = await this.engine.mutate<Outcome>(
      (result) => [...(result.evaluated?.length !== 0 || result.attestations ? ['compliance' as const] : []), ...(result.attestations ? ['attestations' as const] : [])],
      async (tx) => {
        const at = this.engine.nowIso()
        // While a long write is under way its own steps evaluate; the queue waits for it.
        if (await taskUnderWay(tx)) return { run: { evaluated_at: at, applications: 0 }, attestations: false, evaluated: [] }
        // Attestations first: what fell due queues the applications it changes, evaluated here too
        // (or, narrowed to one application, by the next drain).
        const { changed } = await keepAttestationsCurrent(tx, at)
        if (scope.only !== undefined) {
          const evaluated = (await isQueued(tx, scope.only)) ? [scope.only] : []
          return { run: { evaluated_at: at, applications: evaluated.length ? await applyEvaluation(tx, at, evaluated) : 0 }, attestations: changed, evaluated }
        }
        const also = scope.also ?? []
        const due = also.length > 0 || (await isQueued(tx))
        const evaluated = due ? await evaluateQueuedApplications(tx, at, also) : { count: 0, ids: [] }
        return { run: { evaluated_at: at, applications: evaluated.count }, attestations: changed, evaluated: evaluated.ids }
      },
      // What it evaluated is all it touched, unless sign-offs fell due (which may touch any).
      (result) => (result.attestations ? undefined : result.evaluated),
    )
    void this.notifier.deliverDue()
    return run
  }

  /** Brings attestations up to now, if anything fell due, before a full evaluation reads them. */
  private async keepAttestationsCurrent(): Promise<void> {
    if (!(await attestationWorkDue(this.engine.db, this.engine.nowIso()))) return
    await this.engine.mutate<boolean>(
      (changed) => (changed ? ['attestations', 'compliance'] : []),
      async (tx) => (await taskUnderWay(tx) ? false : (await keepAttestationsCurrent(tx, this.engine.nowIso())).changed),
    )
  }

  private async evaluateEverything(): Promise<EvaluationRun> {
    await this.keepAttestationsCurrent()
    let evaluated: { at: string; applications: number | null }
    if (this.elsewhere) {
      evaluated = await this.elsewhere()
      this.engine.announce(['compliance'])
    } else {
      evaluated = await evaluateEverything(this.engine.db, (work) => this.engine.mutate(['compliance'], work), () => this.engine.nowIso())
    }
    void this.notifier.deliverDue()
    return { evaluated_at: evaluated.at, applications: evaluated.applications ?? 0 }
  }
}

/**
 * What follows every change once it commits: the applications it queued (and any others named)
 * evaluated at `at` and stored. Impact previews run the same step inside their rehearsal.
 */
export async function evaluateQueued(tx: Tx, at: string, also: readonly string[] = []): Promise<number> {
  return (await evaluateQueuedApplications(tx, at, also)).count
}

/** As evaluateQueued, naming the applications evaluated (undefined: every one). */
async function evaluateQueuedApplications(tx: Tx, at: string, also: readonly string[]): Promise<{ count: number; ids: string[] | undefined }> {
  const ids = [...new Set([...also, ...(await queuedApplications(tx))])]
  if (ids.length === 0) return { count: 0, ids: [] }
  // Everything queued (a sign-off deadline passing over the whole portfolio): evaluated whole, which reads faster than by ids.
  if (ids.length >= EVALUATION_SLICE / 2) {
    const { n } = await tx.selectFrom('applications').select((eb) => eb.fn.countAll<number>().as('n')).where('retired_at', 'is', null).executeTakeFirstOrThrow()
    if (ids.length >= Number(n)) return { count: await applyEvaluation(tx, at, undefined), ids: undefined }
  }
  return { count: await applyEvaluation(tx, at, ids), ids }
}

/** Applications evaluated in one transaction: a full evaluation of more is done a slice at a time. */
export const EVALUATION_SLICE = 1000

/**
 * Evaluates every application, each slice of EVALUATION_SLICE in a transaction of its own taken
 * at the moment it holds the write lock, so a large portfolio never keeps another writer waiting
 * for long. Applications added meanwhile are queued by their own change. Null when skipped:
 * while a long write is under way, its own steps evaluate.
 */
export async function evaluateEverything(db: Db, write: <T>(work: (tx: Tx) => Promise<T>) => Promise<T>, now: () => string, sliceSize = EVALUATION_SLICE): Promise<{ at: string; applications: number | null }> {
  const ids = (await db.selectFrom('applications').select('id').where('retired_at', 'is', null).orderBy('id').execute()).map((row) => row.id)
  // A portfolio that fits in one slice is evaluated whole, which reads faster than by ids.
  const slices = ids.length <= sliceSize ? [undefined] : chunks(ids, sliceSize)
  let at = now()
  let applications = 0
  for (const slice of slices) {
    const count = await write(async (tx) => {
      at = now()
      return (await taskUnderWay(tx)) ? null : applyEvaluation(tx, at, slice)
    })
    if (count === null) return { at, applications: null }
    applications += count
  }
  return { at, applications }
}

/**
 * Evaluates at `at` and stores the outcome: statuses, gaps, alerts, the day's counts. The sample
 * workspace replays its history through this too, one moment at a time.
 */
export async function applyEvaluation(tx: Tx, at: string, applicationIds: readonly string[] | undefined): Promise<number> {
  const evaluated = await evaluateAt(tx, at, applicationIds)
  const ids = evaluated.map((app) => app.id)
  // An application asked for but no longer in the portfolio (retired) keeps no status and no open gap.
  await storeStatuses(tx, at, evaluated, applicationIds)
  await reconcileGaps(tx, at, evaluated, applicationIds)
  await recordDailyCounts(tx, at)
  if (applicationIds === undefined) await tx.deleteFrom('evaluation_queue').where('queued_at', '<=', at).execute()
  else await clearQueued(tx, applicationIds)
  return ids.length
}

/** `requested`: the applications asked for (every one when undefined), evaluated or not. */
async function storeStatuses(tx: Tx, at: string, evaluated: readonly EvaluatedApplication[], requested: readonly string[] | undefined): Promise<void> {
  if (requested === undefined) await tx.deleteFrom('compliance_current').execute()
  else for (const slice of chunks(requested, 5000)) await tx.deleteFrom('compliance_current').where('application_id', 'in', slice).execute()
  const insert = rowInserter(tx, 'compliance_current', ['application_id', 'policy_id', 'policy_version', 'status', 'in_grace', 'evaluated_at', 'results_json'])
  for (const app of evaluated) {
    for (const judged of app.judged) {
      const wrote = insert.add([app.id, judged.policy.policyId, judged.policy.version, judged.status, judged.inGracePeriod ? 1 : 0, at, encodeResults(judged)])
      if (wrote) await wrote
    }
  }
  await insert.finish()
}

/** Opens a gap for each new breach, resolves those that pass again, and owes one alert per transition. */
async function reconcileGaps(tx: Tx, at: string, evaluated: readonly EvaluatedApplication[], requested: readonly string[] | undefined): Promise<void> {
  const everything = requested === undefined
  const ids = requested ?? []
  // index -1: the policy's attestation said Non-Compliant (a gap `attestation`, not a metric's).
  const breaches = new Map<string, { applicationId: string; judged: Judged; index: number }>()
  for (const app of evaluated) {
    for (const judged of app.judged) {
      const { outcomes } = judged
      for (let index = 0; index < outcomes.length; index++) {
        if (outcomes[index] === 'breach') breaches.set(`${app.id}|${judged.policy.policyId}|${judged.policy.requirements[index]!.metric}`, { applicationId: app.id, judged, index })
      }
      if (judged.attestation?.nonCompliant) breaches.set(`${app.id}|${judged.policy.policyId}|attestation`, { applicationId: app.id, judged, index: -1 })
    }
  }

  // Each open gap comes back as its key alone: an evaluation of everything reads thousands, and
  // needs no application named in the query.
  const open: Array<{ id: number; key: string }> = []
  for (const slice of everything ? [undefined] : chunks(ids, 5000)) {
    let query = tx
      .selectFrom('gaps')
      .select(['id', sql<string>`application_id || '|' || policy_id || '|' || requirement`.as('key')])
      .where('kind', 'in', ['breach', 'attestation'])
      .where('resolved_at', 'is', null)
    if (slice) query = query.where('application_id', 'in', slice)
    open.push(...(await query.execute()))
  }
  // A breach with its gap open already is no news; what remains of `breaches` opens gaps.
  const audit: AuditEntry[] = []
  const resolving: number[] = []
  for (const gap of open) if (!breaches.delete(gap.key)) resolving.push(gap.id)
  for (const slice of chunks(resolving, 5000)) {
    const resolved = await tx.updateTable('gaps').set({ resolved_at: at }).where('id', 'in', slice).returning(['id', 'application_id', 'policy_id', 'requirement']).execute()
    for (const gap of resolved) {
      audit.push({ action: 'gap.resolved', entityType: 'application', entityId: gap.application_id, after: { gap_id: gap.id, policy_id: gap.policy_id, requirement: gap.requirement } })
    }
  }

  // Only the gaps opening now are put in words; every other reason is rebuilt on reading.
  const opening = [...breaches.values()].map(({ applicationId, judged, index }) => {
    const { policy } = judged
    if (index === -1) {
      const attested = judged.attestation!.nonCompliant!
      return {
        application_id: applicationId,
        policy_id: policy.policyId,
        requirement: 'attestation',
        kind: 'attestation',
        severity: 'critical',
        value: null,
        threshold: null,
        reason: `Attested Non-Compliant by ${attested.reviewer} on ${attested.attested_at.slice(0, 10)}${attested.notes ? `: ${attested.notes}` : ''}`,
        policy_version: policy.version,
        in_grace_period: judged.inGracePeriod,
        grace_until: judged.inGracePeriod ? policy.enforcementStartsAt : null,
      }
    }
    const rule = policy.requirements[index]!
    const m = judged.measurements[index]!
    return {
      application_id: applicationId,
      policy_id: policy.policyId,
      requirement: rule.metric as string,
      kind: 'breach',
      severity: rule.severity as string,
      value: reportedValue(m),
      threshold: rule.threshold as number | null,
      reason: reasonFor(rule, m, policy, 'breach'),
      policy_version: policy.version,
      in_grace_period: judged.inGracePeriod,
      grace_until: judged.inGracePeriod ? policy.enforcementStartsAt : null,
    }
  })
  for (const slice of chunks(opening, rowsPerInsert(14))) {
    await tx
      .insertInto('gaps')
      .values(slice.map(({ in_grace_period: _inGrace, ...gap }) => ({ ...gap, opened_at: at, resolved_at: null, alerted_open_at: null, alerted_resolved_at: null })))
      .execute()
  }
  for (const gap of opening) {
    audit.push({
      action: 'gap.opened',
      entityType: 'application',
      entityId: gap.application_id,
      after: { policy_id: gap.policy_id, requirement: gap.requirement, severity: gap.severity, value: gap.value, threshold: gap.threshold, reason: gap.reason, in_grace_period: gap.in_grace_period },
    })
  }
  await recordAuditMany(tx, EVALUATION_ACTOR, at, audit)
  await queueAlerts(tx, at, requested)
}

/** One alert per gap transition: opened once enforcement has begun, resolved only if its opening was announced. */
async function queueAlerts(tx: Tx, at: string, applicationIds: readonly string[] | undefined): Promise<void> {
  for (const slice of applicationIds ? chunks(applicationIds, 5000) : [undefined]) {
    let query = tx
      .selectFrom('gaps')
      .innerJoin('policies', 'policies.id', 'gaps.policy_id')
      .innerJoin('applications', 'applications.id', 'gaps.application_id')
      .select(['gaps.id', 'gaps.application_id', 'applications.name as application_name', 'gaps.policy_id', 'policies.name as policy_name', 'policies.notification_webhook', 'gaps.requirement', 'gaps.severity', 'gaps.value', 'gaps.threshold', 'gaps.reason', 'gaps.opened_at', 'gaps.resolved_at', 'gaps.alerted_open_at'])
      .where((eb) =>
        eb.or([
          eb.and([eb('gaps.resolved_at', 'is', null), eb('gaps.alerted_open_at', 'is', null), eb.or([eb('gaps.grace_until', 'is', null), eb('gaps.grace_until', '<=', at)])]),
          eb.and([eb('gaps.resolved_at', 'is not', null), eb('gaps.alerted_open_at', 'is not', null), eb('gaps.alerted_resolved_at', 'is', null)]),
        ]),
      )
    if (slice) query = query.where('gaps.application_id', 'in', slice)
    const due = await query.execute()
    for (const gap of due) {
      const opened = gap.resolved_at === null
      if (gap.notification_webhook) {
        await queueAlert(tx, gap.notification_webhook, at, {
          event: opened ? 'gap.opened' : 'gap.resolved',
          policy: { id: gap.policy_id, name: gap.policy_name },
          application: { id: gap.application_id, name: gap.application_name },
          requirement: gap.requirement,
          severity: gap.severity,
          value: gap.value,
          threshold: gap.threshold,
          reason: gap.reason,
          opened_at: gap.opened_at,
          resolved_at: gap.resolved_at,
        })
      }
      await tx
        .updateTable('gaps')
        .set(opened ? { alerted_open_at: at } : { alerted_resolved_at: at })
        .where('id', '=', gap.id)
        .execute()
    }
  }
}

/** The day's status counts per policy, overwritten by each run so the last one of the day stands. */
async function recordDailyCounts(tx: Tx, at: string): Promise<void> {
  const day = at.slice(0, 10)
  const counts = await tx.selectFrom('compliance_current').select(['policy_id', 'status', (eb) => eb.fn.countAll<number>().as('count')]).groupBy(['policy_id', 'status']).execute()
  await tx.deleteFrom('compliance_daily').where('day', '=', day).execute()
  if (counts.length > 0) await tx.insertInto('compliance_daily').values(counts.map((row) => ({ day, policy_id: row.policy_id, status: row.status, count: Number(row.count) }))).execute()
}
