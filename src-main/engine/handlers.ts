/**
 * The contract implemented: one handler per procedure, each a thin call into an engine service.
 * Where a change spans two areas (an application and the policies that cover it), the handler
 * runs both in one transaction, so neither area needs to know the other.
 */
import type { Contract, ProcedureName } from '../../src-shared/api/contract'
import type { OutputOf, ParsedInputOf } from '../../src-shared/api/procedure'
import { METRICS } from '../../src-shared/domain/metrics'
import { changeApplication, countApplications, getApplication, insertApplication, listApplications } from './applications/applications'
import { getRequest, inbox, loadAttestations, remindersFor, ruleSchedules } from './attestations/attestation-queries'
import { deploymentGate } from './attestations/deployment-gate'
import { submitAttestation } from './attestations/sign-off'
import { listAuditEvents } from './audit/audit'
import { createApiToken, listApiTokens, revokeApiToken } from './auth/tokens'
import { gatherAnchors, verifyAnchoredTrail } from './audit/anchored-verification'
import type { HeadSigning } from './audit/head-signing'
import { exportAuditLog } from './audit/audit-export'
import type { ComplianceQueries } from './compliance/compliance-queries'
import type { Evaluator } from './compliance/evaluator'
import type { Area, CallContext, EngineContext } from './context'
import { reinstateApplication, retireApplication } from './lifecycle/application-retirement'
import { deactivateUser, reactivateUser } from './lifecycle/person-deactivation'
import { ingestObservations } from './metrics/ingest'
import { appendImportPart, beginImport, cancelImport, commitImport, importInferences } from './metrics/inference-imports'
import type { InferenceFileReader } from './metrics/inference-file'
import { metricSeries } from './metrics/metric-series'
import { applicationRules, deleteApplicationRule, restoreApplicationRules } from './materialisation/application-rules'
import { syncApplications } from './materialisation/materialise'
import { createGroup, createUser, getGroup, getUser, listGroups, listUsers, updateGroup, updateUser } from './people/people'
import { archivePolicy, createPolicy, createPolicyFromTemplate, previewScope, updatePolicy } from './policies/policies'
import { diffPolicyVersions, listPolicyVersions, policiesForApplication, policyCoverage } from './policies/policy-queries'
import { getPolicy, loadPolicies } from './policies/policy-store'
import { gatherReport } from './reports/report-data'
import { exportHistory, type ReportJobs } from './reports/report-jobs'
import { TEMPLATES } from './policies/templates'
import { createAlertRule, createAttestationRule, listAlertRules, listAttestationRules } from './rules/rule-library'
import { workspaceId } from './db/workspace-identity'
import { changesAfter, rowsByKey } from './sync/change-feed'
import { keepDesktopHead } from './sync/desktop-heads'
import type { SyncService } from './sync/sync-service'
import { loadSampleWorkspace, sampleLoadingProgress } from './workspace/sample'
import type { WebhookDestinations } from './webhooks/destinations'

export type Handler<K extends ProcedureName> = (
  input: ParsedInputOf<Contract[K]>,
  ctx: CallContext,
) => Promise<OutputOf<Contract[K]>>

export type Handlers = { [K in ProcedureName]: Handler<K> }

export interface ComplianceServices {
  evaluator: Evaluator
  compliance: ComplianceQueries
  reports: ReportJobs
  sync: SyncService
  /** The workspace's audit signing, when its key is at hand: the trail is verified against the heads kept outside. */
  signing?: HeadSigning
  /** Where policies' webhooks may point: checked as a webhook is saved. */
  webhooks: WebhookDestinations
  /** Where imported inference files are read: here unless given. */
  readInferences?: InferenceFileReader
}

/** An application's change can move it in or out of policies, and so change its compliance. */
const APPLICATION_CHANGE: Area[] = ['applications', 'policies', 'compliance']

export function createHandlers(engine: EngineContext, workspace: { path: string; schemaVersion: string }, { evaluator, compliance, reports, sync, signing, webhooks, readInferences }: ComplianceServices): Handlers {
  const { db } = engine
  return {
    'applications.list': async (filter) => ({ applications: await listApplications(db, filter) }),
    'applications.get': ({ id }) => getApplication(db, id),
    'applications.create': (draft, ctx) =>
      engine.mutate(APPLICATION_CHANGE, async (tx) => {
        const now = engine.nowIso()
        const created = await insertApplication(tx, now, ctx, draft)
        // A new application is covered at once by every policy whose scope or auto-apply matches it.
        await syncApplications(tx, ctx.actor, now, [created.id])
        return created
      }),
    'applications.update': (patch, ctx) =>
      engine.mutate(APPLICATION_CHANGE, async (tx) => {
        const now = engine.nowIso()
        const { application, tagsChanged } = await changeApplication(tx, now, ctx, patch)
        // Tags decide tag-scoped policies: the application may enter or leave some.
        if (tagsChanged) await syncApplications(tx, ctx.actor, now, [application.id])
        return application
      }),
    'applications.retire': ({ id, dry_run }, ctx) => retireApplication(engine, ctx, id, dry_run),
    'applications.reinstate': ({ id }, ctx) => reinstateApplication(engine, ctx, id),
    'applications.rules': ({ id }) => applicationRules(db, id),
    'applications.deleteRule': ({ id, rule_id, base_version }, ctx) => deleteApplicationRule(engine, ctx, id, rule_id, base_version),
    'applications.restoreRules': ({ id, requirement }, ctx) => restoreApplicationRules(engine, ctx, id, requirement),
    'applications.policies': async ({ id }) => {
      await getApplication(db, id)
      return { policies: await policiesForApplication(db, id) }
    },

    'audit.list': (filter) => listAuditEvents(db, filter),
    'audit.export': (filter) => exportAuditLog(db, filter, engine.nowIso()),
    'audit.verify': async () => verifyAnchoredTrail(db, await gatherAnchors({ location: workspace.path, workspaceId: await workspaceId(db), keys: signing?.keys })),

    'sync.changes': ({ after, limit }) => changesAfter(db, after, limit),
    'sync.rows': ({ keys }) => rowsByKey(db, keys),
    'sync.head': (input) => keepDesktopHead(engine, input),
    'sync.status': () => sync.status(),
    'sync.connect': (draft, ctx) => sync.connect(draft, ctx),
    'sync.disconnect': (_input, ctx) => sync.disconnect(ctx),
    'sync.now': () => sync.syncNow(),
    'sync.resolve': (input, ctx) => sync.resolve(input, ctx),

    'tokens.list': async () => ({ tokens: await listApiTokens(db) }),
    'tokens.create': (draft, ctx) => createApiToken(engine, ctx, draft),
    'tokens.revoke': ({ id }, ctx) => revokeApiToken(engine, ctx, id),

    'users.list': async () => ({ users: await listUsers(db) }),
    'users.get': ({ id }) => getUser(db, id),
    'users.create': (draft, ctx) => createUser(engine, ctx, draft),
    'users.update': (patch, ctx) => updateUser(engine, ctx, patch),
    'users.deactivate': ({ id, dry_run }, ctx) => deactivateUser(engine, ctx, id, dry_run),
    'users.reactivate': ({ id }, ctx) => reactivateUser(engine, ctx, id),
    'groups.list': async () => ({ groups: await listGroups(db) }),
    'groups.get': ({ id }) => getGroup(db, id),
    'groups.create': (draft, ctx) => createGroup(engine, ctx, draft),
    'groups.update': (patch, ctx) => updateGroup(engine, ctx, patch),

    'metrics.list': async () => ({ metrics: [...METRICS] }),
    'alertRules.list': async () => ({ alert_rules: await listAlertRules(db) }),
    'alertRules.create': (draft, ctx) => createAlertRule(engine, ctx, draft),
    'attestationRules.list': async () => ({ attestation_rules: await listAttestationRules(db) }),
    'attestationRules.create': (draft, ctx) => createAttestationRule(engine, ctx, draft),

    'templates.list': async () => ({ templates: [...TEMPLATES] }),
    'policies.list': async ({ include_archived }) => ({ policies: await loadPolicies(db, { includeArchived: include_archived }) }),
    'policies.get': ({ id }) => getPolicy(db, id),
    'policies.create': (draft, ctx) => createPolicy(engine, ctx, draft, webhooks),
    'policies.createFromTemplate': (request, ctx) => createPolicyFromTemplate(engine, ctx, request),
    'policies.update': (patch, ctx) => updatePolicy(engine, ctx, patch, webhooks),
    'policies.archive': ({ id }, ctx) => archivePolicy(engine, ctx, id),
    'policies.versions': async ({ id }) => ({ versions: await listPolicyVersions(db, id) }),
    'policies.diff': ({ id, from, to }) => diffPolicyVersions(db, id, from, to),
    'policies.coverage': async ({ id }) => ({ applications: await policyCoverage(db, id) }),
    'policies.previewScope': ({ id, scope }, ctx) => previewScope(engine, ctx, id, scope),

    'workspace.info': async () => {
      // Retired applications are not counted, yet a workspace that ever held one is not empty.
      const [active, ever, loading] = await Promise.all([countApplications(db), countApplications(db, { includeRetired: true }), sampleLoadingProgress(db)])
      return { path: workspace.path, schema_version: workspace.schemaVersion, application_count: active, is_empty: ever === 0, loading_sample: loading ?? null }
    },
    'workspace.loadSample': (_input, ctx) => loadSampleWorkspace(engine, ctx),

    'metrics.ingest': (request, ctx) => ingestObservations(engine, ctx, request),
    'metrics.series': (input) => metricSeries(db, engine.clock.now(), input),
    'inferences.import': (request, ctx) => importInferences(engine, ctx, request, readInferences),
    'inferences.begin': (request, ctx) => beginImport(engine, ctx, request),
    'inferences.append': (request) => appendImportPart(engine, request),
    'inferences.commit': ({ import_id }, ctx) => commitImport(engine, ctx, import_id),
    'inferences.cancel': ({ import_id }) => cancelImport(engine, import_id),

    'compliance.organization': (input) => compliance.organization(input),
    'compliance.application': (input) => compliance.application(input),
    'compliance.overview': (input) => compliance.overview(input),
    'compliance.trend': (input) => compliance.trend(input),
    'compliance.evaluate': async ({ application_id }) => {
      if (application_id) await getApplication(db, application_id)
      return evaluator.evaluateNow(application_id)
    },
    'gaps.list': (input) => compliance.gaps(input),
    'session.whoami': async (_input, ctx) => ctx.actor,

    // Attestation reads first catch up with whatever fell due (requests, deadlines, expiries).
    'attestations.submit': (input, ctx) => submitAttestation(engine, ctx, input),
    'attestations.list': async ({ id }, ctx) => {
      await getPolicy(db, id)
      await evaluator.drain()
      return { attestations: await loadAttestations(db, { id }, ctx.actor, engine.nowIso()) }
    },
    'attestations.inbox': async (input, ctx) => {
      await evaluator.drain()
      return inbox(db, input, ctx.actor, engine.nowIso())
    },
    'attestations.request': async ({ id }, ctx) => {
      await evaluator.drain()
      const request = await getRequest(db, id, ctx.actor, engine.nowIso())
      const covered = (await db.selectFrom('policy_coverage').select('application_id').where('policy_id', '=', request.policy_id).execute()).map((row) => row.application_id)
      const { apps } = covered.length ? await compliance.statuses(undefined, covered) : { apps: [] }
      const evidence = apps.flatMap((app) => app.statuses.filter((status) => status.policy_id === request.policy_id))
      const { gaps } = await compliance.gaps({ policy_id: request.policy_id, open: true, limit: 1000 })
      return { request, evidence, gaps }
    },
    'attestations.schedules': async ({ id }, ctx) => {
      await evaluator.drain()
      return { rules: await ruleSchedules(db, id, ctx.actor, engine.nowIso()) }
    },
    'attestations.reminders': async ({ after_id, limit }, ctx) => {
      await evaluator.drain()
      return remindersFor(db, ctx.actor, after_id, limit)
    },
    'reports.preview': async (scope) => {
      const { scope: described, as_of, period_start, summary } = await gatherReport(db, compliance, scope)
      return { scope: described, as_of, period_start, summary }
    },
    'reports.compliance': async (request, ctx) => (await reports.generate(request, ctx.actor)).file,
    'reports.start': async (request, ctx) => reports.start(request, ctx.actor),
    'reports.job': async ({ id }, ctx) => reports.get(id, ctx.actor),
    'reports.cancel': async ({ id }, ctx) => reports.cancel(id, ctx.actor),
    'reports.file': async ({ id }, ctx) => reports.file(id, ctx.actor),
    'reports.history': async ({ limit }) => ({ exports: await exportHistory(db, limit) }),
    'applications.deploymentGate': async ({ id }) => {
      const app = await getApplication(db, id)
      const { at, apps } = await compliance.statuses(undefined, [id])
      return deploymentGate(db, app, apps[0]?.statuses ?? [], at)
    },
  }
}
