/**
 * The sample workspace: a realistic portfolio of AI applications across teams and environments,
 * for exploring the console. Deterministic, so screenshots, demos and tests agree.
 */
import type { CallContext, EngineContext } from '../context'
import { countApplications, insertApplication } from '../applications/applications'
import { recordAudit } from '../audit/audit'
import { EngineError } from '../errors'

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
]

const ENVIRONMENTS = ['production', 'staging', 'development'] as const

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

export async function loadSampleWorkspace(engine: EngineContext, ctx: CallContext): Promise<{ applications_created: number }> {
  return engine.mutate(['applications', 'workspace'], async (tx) => {
    if ((await countApplications(tx)) > 0) {
      throw new EngineError('conflict', 'The sample workspace can only be loaded into an empty workspace.')
    }
    const now = engine.nowIso()
    const portfolio = samplePortfolio()
    for (const app of portfolio) await insertApplication(tx, now, ctx, app)
    await recordAudit(tx, ctx.actor, now, {
      action: 'workspace.sample_loaded',
      entityType: 'workspace',
      entityId: 'workspace',
      after: { applications: portfolio.length },
    })
    return { applications_created: portfolio.length }
  })
}
