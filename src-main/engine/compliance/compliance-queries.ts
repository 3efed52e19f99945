/**
 * Answering compliance questions. Without as_of, the stored statuses of the last evaluation
 * (anything still queued is evaluated first, so answers are current); with as_of, the workspace
 * is evaluated as it stood at that moment, under the policy versions and coverage then in force.
 */
import type {
  ApplicationCompliance,
  ComplianceOverview,
  ComplianceStatus,
  Gap,
  OrganizationCompliance,
  PolicyStatus,
  ReferenceFailure,
  StatusCounts,
  TrendPoint,
} from '../../../src-shared/domain/compliance'
import { COMPLIANCE_STATUSES } from '../../../src-shared/domain/compliance'
import type { MetricKey } from '../../../src-shared/domain/metrics'
import { PolicyDefinition } from '../../../src-shared/domain/policy'
import type { Severity } from '../../../src-shared/domain/rules'
import { getApplication } from '../applications/applications'
import { chunks } from '../batch'
import type { EngineContext } from '../context'
import type { Db } from '../db/schema'
import { EngineError, notFound } from '../errors'
import { describeStatus, evaluateAt } from './evaluate'
import type { Evaluator } from './evaluator'
import { definitionsAt } from './governing'
import { worstStatus } from './judge'
import { decodeResults } from './stored-results'

export interface AppStatuses {
  id: string
  name: string
  team: string | null
  environment: string | null
  tags: string[]
  statuses: PolicyStatus[]
}

/** A sign-off missed or given as Non-Compliant, as the reference's failures list it (requirement `attestation`). */
function attestationFailure(status: PolicyStatus): ReferenceFailure | undefined {
  const standing = status.attestation
  if (standing?.attested_non_compliant) {
    const { reviewer, attested_at, notes } = standing.attested_non_compliant
    return { requirement: 'attestation', reason: `Attested Non-Compliant by ${reviewer} on ${attested_at.slice(0, 10)}${notes ? `: ${notes}` : ''}`, value: null, threshold: 0, severity: 'critical' }
  }
  if (standing?.overdue_since && status.status === 'attestation_overdue') {
    return { requirement: 'attestation', reason: `Attestation overdue since ${standing.overdue_since.slice(0, 16).replace('T', ' ')} UTC`, value: null, threshold: 0, severity: 'medium' }
  }
  return undefined
}

const GAP_STATUSES: ReadonlySet<ComplianceStatus> = new Set(['non_compliant', 'warning', 'attestation_overdue'])

export class ComplianceQueries {
  constructor(
    private readonly engine: EngineContext,
    private readonly evaluator: Evaluator,
  ) {}

  private get db(): Db {
    return this.engine.db
  }

  /** as_of, checked: never in the future. */
  private moment(asOf: string | undefined): string | undefined {
    if (asOf === undefined) return undefined
    const at = new Date(asOf).toISOString()
    if (at > this.engine.nowIso()) throw new EngineError('invalid_input', `as_of ${asOf} is in the future`, 'as_of')
    return at
  }

  async statuses(asOf: string | undefined, applicationIds?: readonly string[]): Promise<{ at: string; apps: AppStatuses[] }> {
    const at = this.moment(asOf)
    if (at !== undefined) return { at, apps: await this.evaluatedAt(at, applicationIds) }
    const one = applicationIds?.length === 1 ? applicationIds[0]! : undefined
    if (one === undefined) {
      await this.evaluator.drain()
      return { at: this.engine.nowIso(), apps: await storedStatuses(this.db, applicationIds) }
    }
    // A read of one application waits for nobody else's evaluation. Queued (new data, a changed
    // rule), it is evaluated and stored alone; while another write of this process holds the lock
    // (an import, a full evaluation), it is evaluated on the read connection instead, and stored
    // by the drain its change started.
    if (await this.evaluator.awaitsEvaluation(one)) {
      if (this.evaluator.writeUnderWay) {
        const now = this.engine.nowIso()
        return { at: now, apps: await this.evaluatedAt(now, [one]) }
      }
      await this.evaluator.drain(one)
    }
    return { at: this.engine.nowIso(), apps: await storedStatuses(this.db, applicationIds) }
  }

  /** Applications as evaluated at `at`, stored nowhere. */
  private async evaluatedAt(at: string, applicationIds: readonly string[] | undefined): Promise<AppStatuses[]> {
    const evaluated = await evaluateAt(this.db, at, applicationIds)
    const tags = await tagsOf(this.db, evaluated.map((app) => app.id))
    return evaluated.map((app) => ({ id: app.id, name: app.name, team: app.team, environment: app.environment, tags: tags.get(app.id) ?? [], statuses: app.judged.map((judged) => describeStatus(app, judged, at)) }))
  }

  /**
   * The reference's compliance report. A page (`limit`) holds whole policies, each with all its
   * gaps, in name order; `cursor` continues after the page that handed it out.
   */
  async organization(input: { application_id?: string; policy_id?: string; as_of?: string; limit?: number; cursor?: string }): Promise<OrganizationCompliance> {
    if (input.application_id) await assertApplication(this.db, input.application_id, 'application_id')
    if (input.policy_id) await assertPolicy(this.db, input.policy_id)
    const after = input.cursor === undefined ? undefined : decodeCursor(input.cursor)
    const { at, apps } = await this.statuses(input.as_of, input.application_id ? [input.application_id] : undefined)
    const ids = input.policy_id ? [input.policy_id] : (await this.db.selectFrom('policies').select('id').execute()).map((row) => row.id)
    const live = await definitionsAt(this.db, at, ids)
    const statusesByPolicy = new Map<string, PolicyStatus[]>()
    for (const app of apps) {
      for (const status of app.statuses) {
        const list = statusesByPolicy.get(status.policy_id)
        if (list) list.push(status)
        else statusesByPolicy.set(status.policy_id, [status])
      }
    }
    const policies = [...live.values()]
      .sort((a, b) => a.name.localeCompare(b.name) || a.policyId.localeCompare(b.policyId))
      .filter((policy) => !input.application_id || statusesByPolicy.has(policy.policyId))
      .filter((policy) => !after || isAfter(policy, after))
    const page = input.limit === undefined ? policies : policies.slice(0, input.limit)
    const report = {
      policies: page.map((policy) => {
        const covered = statusesByPolicy.get(policy.policyId) ?? []
        const gaps = covered
          .filter((s) => GAP_STATUSES.has(s.status))
          .map((s) => {
            const failing = s.requirements.filter((r) => r.outcome === 'breach' || r.outcome === 'missing_rule')
            const failures: ReferenceFailure[] = failing.map((r) => ({ requirement: r.requirement, reason: r.reason, value: r.value, threshold: r.threshold, severity: r.severity }))
            const signOff = attestationFailure(s)
            if (signOff) failures.push(signOff)
            return {
              application_id: s.application_id,
              application_name: s.application_name,
              status: s.status,
              failing_requirements: failures.map((f) => f.requirement),
              failures,
            }
          })
        return {
          id: policy.policyId,
          name: policy.name,
          compliant_count: covered.filter((s) => s.status === 'compliant').length,
          total_count: covered.length,
          gap_count: gaps.length,
          gaps,
        }
      }),
    }
    if (input.limit === undefined) return report
    const last = page.at(-1)
    return { ...report, next_cursor: page.length < policies.length && last ? encodeCursor(last) : null }
  }

  async application(input: { id: string; as_of?: string }): Promise<ApplicationCompliance> {
    // Side by side: on PostgreSQL each is a round trip of its own.
    const [app, { at, apps }] = await Promise.all([getApplication(this.db, input.id), this.statuses(input.as_of, [input.id])])
    const found = apps[0]
    const statuses = found?.statuses ?? []
    return {
      application_id: app.id,
      application_name: app.name,
      team: app.team,
      environment: app.environment,
      tags: app.tags,
      status: worstStatus(statuses.map((s) => s.status)),
      as_of: at,
      policies: statuses,
    }
  }

  async overview(input: { as_of?: string; tag?: string; team?: string; environment?: string; status?: ComplianceStatus }): Promise<ComplianceOverview> {
    const { at, apps } = await this.statuses(input.as_of)
    const matches = apps.filter(
      (app) =>
        (!input.tag || app.tags.includes(input.tag)) &&
        (!input.team || app.team?.toLowerCase() === input.team.toLowerCase()) &&
        (!input.environment || app.environment === input.environment.toLowerCase()) &&
        (!input.status || worstStatus(app.statuses.map((s) => s.status)) === input.status),
    )
    const applicationCounts = zeroCounts()
    const perPolicy = new Map<string, { id: string; name: string; version: number; counts: StatusCounts; total: number }>()
    let oldest: string | null | undefined
    for (const app of matches) {
      const worst = worstStatus(app.statuses.map((s) => s.status))
      if (worst) applicationCounts[worst]++
      for (const s of app.statuses) {
        const entry = perPolicy.get(s.policy_id) ?? { id: s.policy_id, name: s.policy_name, version: s.policy_version, counts: zeroCounts(), total: 0 }
        entry.counts[s.status]++
        entry.total++
        perPolicy.set(s.policy_id, entry)
        if (oldest !== null) oldest = s.evaluated_at === null ? null : oldest === undefined || s.evaluated_at < oldest ? s.evaluated_at : oldest
      }
    }
    return {
      as_of: at,
      evaluated_at: oldest === undefined ? (input.as_of ? at : await this.lastEvaluatedAt()) : oldest,
      application_counts: applicationCounts,
      policies: [...perPolicy.values()].sort((a, b) => a.name.localeCompare(b.name)),
      applications: matches.map((app) => ({
        application_id: app.id,
        application_name: app.name,
        team: app.team,
        environment: app.environment,
        tags: app.tags,
        status: worstStatus(app.statuses.map((s) => s.status)),
        policy_statuses: app.statuses.map((s) => ({ policy_id: s.policy_id, status: s.status, in_grace_period: s.in_grace_period })),
      })),
    }
  }

  private async lastEvaluatedAt(): Promise<string | null> {
    const row = await this.db.selectFrom('compliance_current').select((eb) => eb.fn.max('evaluated_at').as('at')).executeTakeFirst()
    return (row?.at as string | null | undefined) ?? null
  }

  /**
   * Pairs in each status at the end of each of the last `days` days, for every policy or those
   * named. Today's point is live. A past moment's own day is counted from the statuses at that
   * moment (or those given, already read for it): that day's roll-up goes on changing after it.
   */
  async trend(input: { days: number; as_of?: string; policy_ids?: readonly string[] }, statusesAtMoment?: readonly AppStatuses[]): Promise<{ points: TrendPoint[] }> {
    const end = this.moment(input.as_of) ?? this.engine.nowIso()
    const policyIds = input.policy_ids
    if (policyIds?.length === 0) return { points: [] }
    const endDay = Date.parse(`${end.slice(0, 10)}T00:00:00.000Z`)
    const firstDay = new Date(endDay - (input.days - 1) * 86_400_000).toISOString().slice(0, 10)
    let query = this.db.selectFrom('compliance_daily').select(['day', 'status', (eb) => eb.fn.sum<number>('count').as('count')]).where('day', '>=', firstDay).where('day', '<=', end.slice(0, 10))
    if (policyIds) query = query.where('policy_id', 'in', policyIds)
    const rows = await query.groupBy(['day', 'status']).execute()
    const byDay = new Map<string, StatusCounts>()
    for (const row of rows) {
      const counts = byDay.get(row.day) ?? zeroCounts()
      counts[row.status as ComplianceStatus] = Number(row.count)
      byDay.set(row.day, counts)
    }
    if (input.as_of !== undefined) {
      const statuses = (statusesAtMoment ?? (await this.statuses(end)).apps).flatMap((app) => app.statuses).filter((status) => !policyIds || policyIds.includes(status.policy_id))
      const counts = zeroCounts()
      for (const status of statuses) counts[status.status]++
      if (statuses.length > 0) byDay.set(end.slice(0, 10), counts)
      else byDay.delete(end.slice(0, 10))
    }
    const points: TrendPoint[] = []
    for (let i = input.days - 1; i >= 0; i--) {
      const dayStart = endDay - i * 86_400_000
      const day = new Date(dayStart).toISOString().slice(0, 10)
      const counts = byDay.get(day)
      // A day the console did not evaluate (it was closed) has no point rather than a made-up one.
      if (counts) points.push({ at: i === 0 ? end : new Date(dayStart + 86_400_000 - 1).toISOString(), counts })
    }
    return { points }
  }

  async gaps(input: { application_id?: string; policy_id?: string; open?: boolean; as_of?: string; limit: number }): Promise<{ gaps: Gap[] }> {
    const at = this.moment(input.as_of)
    if (input.application_id) await assertApplication(this.db, input.application_id, 'application_id')
    if (at === undefined) await this.evaluator.drain(input.application_id)
    let query = gapQuery(this.db)
    if (input.application_id) query = query.where('gaps.application_id', '=', input.application_id)
    if (input.policy_id) query = query.where('gaps.policy_id', '=', input.policy_id)
    if (at !== undefined) query = query.where('gaps.opened_at', '<=', at)
    if (input.open === true) {
      query = at === undefined ? query.where('gaps.resolved_at', 'is', null) : query.where((eb) => eb.or([eb('gaps.resolved_at', 'is', null), eb('gaps.resolved_at', '>', at)]))
    } else if (input.open === false) {
      query = at === undefined ? query.where('gaps.resolved_at', 'is not', null) : query.where('gaps.resolved_at', '<=', at)
    }
    const rows = await query.orderBy('gaps.opened_at', 'desc').orderBy('gaps.id', 'desc').limit(input.limit).execute()
    return {
      gaps: rows.map((row) => ({
        ...toGap(row),
        // Seen from as_of, a gap resolved later was still open then.
        resolved_at: at !== undefined && row.resolved_at !== null && row.resolved_at > at ? null : row.resolved_at,
      })),
    }
  }
}

/** An application's gaps open now, newest first, as stored. */
export async function openGapsOf(db: Db, applicationId: string): Promise<Gap[]> {
  const rows = await gapQuery(db).where('gaps.application_id', '=', applicationId).where('gaps.resolved_at', 'is', null).orderBy('gaps.opened_at', 'desc').orderBy('gaps.id', 'desc').execute()
  return rows.map(toGap)
}

/** Gaps with the names of their application and policy. */
function gapQuery(db: Db) {
  return db
    .selectFrom('gaps')
    .innerJoin('applications', 'applications.id', 'gaps.application_id')
    .innerJoin('policies', 'policies.id', 'gaps.policy_id')
    .select([
      'gaps.id',
      'gaps.application_id',
      'applications.name as application_name',
      'gaps.policy_id',
      'policies.name as policy_name',
      'gaps.requirement',
      'gaps.kind',
      'gaps.severity',
      'gaps.value',
      'gaps.threshold',
      'gaps.reason',
      'gaps.opened_at',
      'gaps.resolved_at',
      'gaps.grace_until',
    ])
}

function toGap<Row extends { requirement: string; kind: string; severity: string }>(row: Row): Omit<Row, 'requirement' | 'kind' | 'severity'> & Pick<Gap, 'requirement' | 'kind' | 'severity'> {
  return { ...row, requirement: row.requirement as MetricKey, kind: row.kind as Gap['kind'], severity: row.severity as Severity }
}

async function assertPolicy(db: Db, id: string): Promise<void> {
  const found = await db.selectFrom('policies').select('id').where('id', '=', id).executeTakeFirst()
  if (!found) throw notFound('policy', id, 'policy_id')
}

/** Where a page ends: the last policy's name and id, opaque to the caller. */
function encodeCursor(policy: { name: string; policyId: string }): string {
  return Buffer.from(JSON.stringify([policy.name, policy.policyId])).toString('base64url')
}

function decodeCursor(cursor: string): { name: string; id: string } {
  try {
    const [name, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[]
    if (typeof name === 'string' && typeof id === 'string') return { name, id }
  } catch {
    // Falls through to the refusal below.
  }
  throw new EngineError('invalid_input', 'cursor is not one this server handed out; start again without it', 'cursor')
}

function isAfter(policy: { name: string; policyId: string }, after: { name: string; id: string }): boolean {
  return (policy.name.localeCompare(after.name) || policy.policyId.localeCompare(after.id)) > 0
}

async function assertApplication(db: Db, id: string, field: string): Promise<void> {
  const found = await db.selectFrom('applications').select('id').where('id', '=', id).executeTakeFirst()
  if (!found) throw notFound('application', id, field)
}

function zeroCounts(): StatusCounts {
  return Object.fromEntries(COMPLIANCE_STATUSES.map((status) => [status, 0])) as StatusCounts
}

async function tagsOf(db: Db, applicationIds: readonly string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>()
  for (const slice of chunks(applicationIds, 5000)) {
    const rows = await db.selectFrom('application_tags').select(['application_id', 'tag']).where('application_id', 'in', slice).orderBy('tag').execute()
    for (const row of rows) out.set(row.application_id, [...(out.get(row.application_id) ?? []), row.tag])
  }
  return out
}

/** The statuses as last evaluated, for every active application (covered or not). */
async function storedStatuses(db: Db, applicationIds?: readonly string[]): Promise<AppStatuses[]> {
  const slices = applicationIds ? chunks(applicationIds, 5000) : [undefined]
  const apps: AppStatuses[] = []
  for (const slice of slices) {
    // Retired applications are out of the portfolio: not shown, not counted.
    let appQuery = db.selectFrom('applications').select(['id', 'name', 'team', 'environment']).where('retired_at', 'is', null)
    let statusQuery = db
      .selectFrom('compliance_current')
      .innerJoin('policies', 'policies.id', 'compliance_current.policy_id')
      .leftJoin('policy_coverage', (join) => join.onRef('policy_coverage.policy_id', '=', 'compliance_current.policy_id').onRef('policy_coverage.application_id', '=', 'compliance_current.application_id'))
      .select([
        'compliance_current.application_id',
        'compliance_current.policy_id',
        'compliance_current.policy_version',
        'compliance_current.status',
        'compliance_current.in_grace',
        'compliance_current.evaluated_at',
        'compliance_current.results_json',
        'policy_coverage.enforcement_starts_at',
      ])
    if (slice) {
      appQuery = appQuery.where('id', 'in', slice)
      statusQuery = statusQuery.where('compliance_current.application_id', 'in', slice)
    }
    const [appRows, statusRows] = await Promise.all([appQuery.orderBy('name').orderBy('id').execute(), statusQuery.orderBy('policies.name').execute()])
    const [tags, definitions] = await Promise.all([tagsOf(db, appRows.map((app) => app.id)), versionDefinitions(db, statusRows)])
    const byApp = new Map<string, PolicyStatus[]>()
    const names = new Map(appRows.map((app) => [app.id, app.name]))
    for (const row of statusRows) {
      const definition = definitions.get(`${row.policy_id}|${row.policy_version}`)
      if (!definition) continue
      const list = byApp.get(row.application_id) ?? []
      list.push({
        application_id: row.application_id,
        application_name: names.get(row.application_id) ?? row.application_id,
        policy_id: row.policy_id,
        policy_name: definition.name,
        policy_version: row.policy_version,
        status: row.status as ComplianceStatus,
        enforcement_starts_at: row.enforcement_starts_at ?? row.evaluated_at,
        in_grace_period: row.in_grace === 1,
        evaluated_at: row.evaluated_at,
        ...decodeResults(row.results_json, definition.alert_rules, { name: definition.name, version: row.policy_version }, row.evaluated_at),
      })
      byApp.set(row.application_id, list)
    }
    for (const app of appRows) apps.push({ ...app, tags: tags.get(app.id) ?? [], statuses: byApp.get(app.id) ?? [] })
  }
  return apps
}

/** The definitions of the policy versions the stored statuses were judged under. */
async function versionDefinitions(db: Db, rows: ReadonlyArray<{ policy_id: string; policy_version: number }>): Promise<Map<string, PolicyDefinition>> {
  const wanted = new Set(rows.map((row) => `${row.policy_id}|${row.policy_version}`))
  const out = new Map<string, PolicyDefinition>()
  const policyIds = [...new Set(rows.map((row) => row.policy_id))]
  for (const slice of chunks(policyIds, 5000)) {
    const versions = await db.selectFrom('policy_versions').select(['policy_id', 'version', 'definition_json']).where('policy_id', 'in', slice).execute()
    for (const version of versions) {
      const key = `${version.policy_id}|${version.version}`
      if (wanted.has(key)) out.set(key, PolicyDefinition.parse(JSON.parse(version.definition_json)))
    }
  }
  return out
}
