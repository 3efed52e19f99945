/**
 * The sample workspace: a realistic portfolio of AI applications across teams and environments,
 * for exploring the console. Deterministic, so screenshots, demos and tests agree.
 */
import type { Role } from '../../../src-shared/domain/common'
import { OWNER_USER_ID } from '../../../src-shared/domain/people'
import { countApplications, insertApplication } from '../applications/applications'
import { recordAudit } from '../audit-trail'
import type { CallContext, EngineContext } from '../context'
import type { Db, Tx } from '../db/schema'
import { EngineError } from '../errors'
import { insertGroup, insertUser } from '../people/people'
import { finishTask, startTask, taskProgress, taskUnderWay, type TaskKind, type TaskProgress } from '../resumable-tasks'
import { applySamplePolicies, continueSampleHistory, HISTORY_DAYS, SAMPLE_POLICY_SCOPES, sampleHistoryProgress, type SampleHistoryState } from './sample-history'

interface SampleApplication {
  slug: string
  name: string
  team: string
  tags: string[]
}

const PORTFOLIO: SampleApplication[] = [
  { slug: 'support_assistant', name: 'Customer Support Assistant', team: 'Customer Experience', tags: ['external-facing', 'chatbot', 'customer-data'] },
  { slug: 'order_status_bot', name: 'Order Status Bot', team: 'Customer Experience', tags: ['external-facing', 'chatbot'] },
  { slug: 'returns_helper', name: 'Returns Helper', team: 'Customer Experience', tags: ['external-facing', 'chatbot', 'customer-data'] },
  { slug: 'fraud_triage', name: 'Fraud Triage Summariser', team: 'Risk & Fraud', tags: ['financial', 'customer-data', 'internal'] },
  { slug: 'aml_narratives', name: 'AML Narrative Drafter', team: 'Risk & Fraud', tags: ['financial', 'regulated', 'internal'] },
  { slug: 'claims_intake', name: 'Claims Intake Extractor', team: 'Claims', tags: ['customer-data', 'healthcare', 'regulated'] },
  { slug: 'claims_letters', name: 'Claims Letter Writer', team: 'Claims', tags: ['customer-data', 'external-facing'] },
  { slug: 'marketing_copy', name: 'Campaign Copy Generator', team: 'Marketing', tags: ['content', 'internal'] },
  { slug: 'product_descriptions', name: 'Product Description Writer', team: 'Marketing', tags: ['content', 'external-facing'] },
  { slug: 'code_copilot', name: 'Engineering Code Copilot', team: 'Engineering Productivity', tags: ['copilot', 'internal'] },
  { slug: 'incident_summaries', name: 'Incident Summariser', team: 'Engineering Productivity', tags: ['internal', 'copilot'] },
  { slug: 'hr_policy_qa', name: 'HR Policy Q&A', team: 'People Operations', tags: ['internal', 'employee-data'] },
  { slug: 'contract_review', name: 'Contract Clause Reviewer', team: 'Legal', tags: ['internal', 'regulated'] },
  { slug: 'kyc_document_reader', name: 'KYC Document Reader', team: 'Risk & Fraud', tags: ['financial', 'customer-data', 'regulated'] },
  { slug: 'travel_concierge', name: 'Travel Concierge Chat', team: 'Customer Experience', tags: ['external-facing', 'chatbot', 'customer-data'] },
  { slug: 'loan_prequalifier', name: 'Loan Pre-qualification Assistant', team: 'Lending', tags: ['external-facing', 'financial', 'customer-data', 'regulated'] },
  { slug: 'underwriting_notes', name: 'Underwriting Notes Summariser', team: 'Lending', tags: ['financial', 'internal'] },
  { slug: 'clinical_notes', name: 'Clinical Notes Summariser', team: 'Claims', tags: ['healthcare', 'customer-data', 'internal'] },
  { slug: 'seo_briefs', name: 'SEO Brief Writer', team: 'Marketing', tags: ['content', 'internal'] },
  { slug: 'sql_assistant', name: 'Analytics SQL Assistant', team: 'Data Platform', tags: ['copilot', 'internal'] },
  { slug: 'recruiting_screener', name: 'Recruiting Screener', team: 'People Operations', tags: ['employee-data', 'internal', 'regulated'] },
]

const ENVIRONMENTS = ['production', 'staging', 'development'] as const

/** The people a governance team works with: policy owners, reviewers, escalation contacts, an auditor. */
const PEOPLE: Array<{ name: string; email: string; role: Role; groups: string[] }> = [
  { name: 'Dana Whitfield (CISO)', email: 'dana.whitfield@example.com', role: 'governance_manager', groups: ['Governance Team'] },
  { name: 'Marcus Lee (VP Engineering)', email: 'marcus.lee@example.com', role: 'reviewer', groups: ['app-owners'] },
  { name: 'Ana Ortiz', email: 'ana.ortiz@example.com', role: 'reviewer', groups: ['app-owners'] },
  { name: 'Priya Raman', email: 'priya.raman@example.com', role: 'governance_manager', groups: ['Governance Team'] },
  { name: 'Sam Patel (External auditor)', email: 'sam.patel@example.com', role: 'auditor', groups: [] },
]

const GROUPS = [
  { name: 'Governance Team', description: 'Owns the organisation-wide AI policies' },
  { name: 'app-owners', description: 'Owners of AI applications, who attest to their posture' },
]

/** Ids are readable and stable: app_support_assistant, app_support_assistant_staging, … */
export function samplePortfolio(): Array<{ id: string; name: string; team: string; environment: string; tags: string[] }> {
  const apps: Array<{ id: string; name: string; team: string; environment: string; tags: string[] }> = []
  PORTFOLIO.forEach((app, index) => {
    // Every application runs in production; every other one also has staging, every third development.
    const environments = ENVIRONMENTS.filter((_, level) => level === 0 || index % (level + 1) === 0)
    for (const environment of environments) {
      apps.push({
        id: environment === 'production' ? `app_${app.slug}` : `app_${app.slug}_${environment}`,
        name: environment === 'production' ? app.name : `${app.name} (${environment})`,
        team: app.team,
        environment,
        tags: [...new Set([...app.tags, environment])].sort(),
      })
    }
  })
  return apps
}

/** Loading the sample: too much to write under the write lock at once, so a resumable task. */
export const SAMPLE_WORKSPACE_TASK: TaskKind<SampleHistoryState> = {
  kind: 'sample_workspace',
  areas: ['applications', 'people', 'workspace', 'policies', 'metrics', 'compliance'],
  async step(tx, state, { actor, deadline, now }) {
    const next = await continueSampleHistory(tx, state, samplePortfolio(), deadline)
    if (next === 'done') {
      await recordAudit(tx, actor, now, {
        action: 'workspace.sample_loaded',
        entityType: 'workspace',
        entityId: 'workspace',
        after: { applications: samplePortfolio().length, policies: SAMPLE_POLICY_SCOPES.length, history_days: HISTORY_DAYS },
      })
    }
    return next
  },
  progress: (state) => sampleHistoryProgress(state, samplePortfolio()),
}

/** How far loading the sample workspace has got; undefined unless it is under way. */
export function sampleLoadingProgress(db: Db): Promise<TaskProgress | undefined> {
  return taskProgress(db, SAMPLE_WORKSPACE_TASK)
}

export async function loadSampleWorkspace(engine: EngineContext, ctx: CallContext): Promise<SampleLoaded> {
  const { id, answer } = await startSampleWorkspace(engine, ctx)
  await finishTask(engine, SAMPLE_WORKSPACE_TASK, id)
  return answer
}

interface SampleLoaded {
  applications_created: number
}

/**
 * The first step of loading the sample: its people, applications and policies. Returns the task's
 * id, and the answer of the call loading it, known from the start and kept with this step.
 */
export function startSampleWorkspace(engine: EngineContext, ctx: CallContext): Promise<{ id: string; answer: SampleLoaded }> {
  const answer: SampleLoaded = { applications_created: samplePortfolio().length }
  return startTask(engine, ctx.actor, SAMPLE_WORKSPACE_TASK, async (tx) => {
    // Retired applications count: the sample's ids and names must not meet any.
    if ((await countApplications(tx, { includeRetired: true })) > 0 || (await taskUnderWay(tx))) {
      throw new EngineError('conflict', 'The sample workspace can only be loaded into an empty workspace.')
    }
    // Everything the sample holds existed before its history began.
    const nowMs = engine.clock.now().getTime()
    const before = new Date(nowMs - (HISTORY_DAYS + 1) * 86_400_000).toISOString()
    await addSamplePeople(tx, before, ctx)
    // No policy exists yet to cover them: the sample's policies, applied next, cover them all.
    for (const app of samplePortfolio()) await insertApplication(tx, before, ctx, app)
    return applySamplePolicies(tx, ctx, nowMs)
  }, answer)
}

async function addSamplePeople(tx: Tx, at: string, ctx: CallContext): Promise<void> {
  const groupIds = new Map<string, string>()
  const existingGroups = await tx.selectFrom('groups').select(['id', 'name']).execute()
  for (const group of GROUPS) {
    const existing = existingGroups.find((row) => row.name.toLowerCase() === group.name.toLowerCase())
    const members = group.name === 'Governance Team' ? [OWNER_USER_ID] : []
    groupIds.set(group.name, existing?.id ?? (await insertGroup(tx, at, ctx, { ...group, member_ids: members })).id)
  }
  for (const person of PEOPLE) {
    const existing = await tx.selectFrom('users').select('id').where('email', '=', person.email).executeTakeFirst()
    if (existing) continue
    await insertUser(tx, at, ctx, { name: person.name, email: person.email, role: person.role, group_ids: person.groups.map((g) => groupIds.get(g)!) })
  }
}
