/**
 * Retiring an application, and undoing it. Retiring takes it out of the portfolio from that moment:
 * no policy covers it, its materialised rules go, compliance reads and dashboards leave it out.
 * The row stays, so the audit trail, its gaps and the compliance of any earlier moment still name
 * it. Reinstating brings coverage and rules back through materialisation, as any change of scope
 * does, each policy it had resuming where it stood.
 */
import type { ApplicationReinstatement, ApplicationRetirement, NamedRef } from '../../../src-shared/domain/lifecycle'
import { assertApplicationNameFree, getApplication, markReinstated, markRetired } from '../applications/applications'
import { recordAudit } from '../audit-trail'
import { openGapsOf } from '../compliance/compliance-queries'
import { withdrawFromCompliance } from '../compliance/withdrawal'
import type { Area, CallContext, EngineContext } from '../context'
import type { Db, Tx } from '../db/schema'
import { syncApplications } from '../materialisation/materialise'

/** Coverage, rules and compliance all follow an application's retirement. */
const APPLICATION_CHANGE: Area[] = ['applications', 'policies', 'compliance']

/** Retires the application, or with `dryRun` rehearses it and answers what it would do, writing nothing. */
export function retireApplication(engine: EngineContext, ctx: CallContext, id: string, dryRun: boolean): Promise<ApplicationRetirement> {
  const work = async (tx: Tx): Promise<ApplicationRetirement> => {
    const before = await getApplication(tx, id)
    if (before.retired_at) return { application: before, dry_run: dryRun, consequences: { policies: [], rules_removed: 0, open_gaps: [] } }
    const now = engine.nowIso()
    const coverage = await coverageOf(tx, id)
    const openGaps = await openGapsOf(tx, id)
    await markRetired(tx, now, id, coverage.map(({ id: policy_id, applied_at }) => ({ policy_id, applied_at })))
    // Out of every policy's scope now: the sync any change of scope runs ends its coverage and removes its rules.
    const { removed } = await syncApplications(tx, ctx.actor, now, [id], { audit: false })
    const gapsClosed = await withdrawFromCompliance(tx, now, id)
    const after = await getApplication(tx, id)
    const policies = coverage.map(({ id: policyId, name }) => ({ id: policyId, name }))
    // One event tells the whole of it: what it left and what went with it.
    await recordAudit(tx, ctx.actor, now, {
      action: 'application.retired',
      entityType: 'application',
      entityId: id,
      before,
      after: { ...after, policies, rules_removed: removed, gaps_closed: gapsClosed },
    })
    return { application: after, dry_run: dryRun, consequences: { policies, rules_removed: removed, open_gaps: openGaps } }
  }
  return dryRun ? engine.rehearse(work) : engine.mutate(APPLICATION_CHANGE, work)
}

/** Brings a retired application back (the console's Undo); an active one is answered as it is. */
export function reinstateApplication(engine: EngineContext, ctx: CallContext, id: string): Promise<ApplicationReinstatement> {
  return engine.mutate(APPLICATION_CHANGE, async (tx) => {
    const before = await getApplication(tx, id)
    if (!before.retired_at) return { application: before, policies: names(await coverageOf(tx, id)), rules_materialised: 0 }
    // Its name is free while it is retired: another may have taken it since.
    await assertApplicationNameFree(tx, before.name, before.environment, id)
    const now = engine.nowIso()
    const hadCoverage = await markReinstated(tx, now, id)
    const { materialised } = await syncApplications(tx, ctx.actor, now, [id], { audit: false })
    await resumeCoverage(tx, ctx, now, id, hadCoverage)
    const after = await getApplication(tx, id)
    const policies = names(await coverageOf(tx, id))
    await recordAudit(tx, ctx.actor, now, {
      action: 'application.reinstated',
      entityType: 'application',
      entityId: id,
      before,
      after: { ...after, policies, rules_materialised: materialised },
    })
    return { application: after, policies, rules_materialised: materialised }
  })
}

/**
 * A policy that covered the application when it retired resumes as applied then, so its
 * enforcement delay runs from then: undoing a retirement grants no new grace period (in which no
 * alert would fire). The sync works the enforcement start out from that, as for any coverage.
 */
async function resumeCoverage(tx: Tx, ctx: CallContext, now: string, id: string, hadCoverage: ReadonlyArray<{ policy_id: string; applied_at: string }>): Promise<void> {
  if (hadCoverage.length === 0) return
  for (const { policy_id, applied_at } of hadCoverage) {
    await tx.updateTable('policy_coverage').set({ applied_at }).where('application_id', '=', id).where('policy_id', '=', policy_id).execute()
  }
  await syncApplications(tx, ctx.actor, now, [id], { audit: false })
}

async function coverageOf(db: Db, id: string): Promise<Array<NamedRef & { applied_at: string }>> {
  return db
    .selectFrom('policy_coverage')
    .innerJoin('policies', 'policies.id', 'policy_coverage.policy_id')
    .select(['policies.id', 'policies.name', 'policy_coverage.applied_at'])
    .where('policy_coverage.application_id', '=', id)
    .orderBy('policies.name')
    .execute()
}

function names(refs: ReadonlyArray<NamedRef>): NamedRef[] {
  return refs.map(({ id, name }) => ({ id, name }))
}
