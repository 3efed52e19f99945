/**
 * A large portfolio for the console's benchmarks: 5,000 applications across teams, environments
 * and tags, under the four templates, with a few hours of monitoring data so statuses are a
 * realistic mix (mostly compliant, some warnings and failures) rather than all pending. Built
 * through the engine; the monitoring data is written the bare way, as bench/server-load.ts does,
 * since ingestion has a benchmark of its own.
 */
import type { MetricKey } from '../src-shared/domain/metrics'
import { openEngineParts } from '../src-main/engine/engine'
import { caller } from '../src-main/testing/workspace'
import { writeSteadyMonitoringData } from './steady-monitoring-data'

const HOURS = 6
const TEAMS = ['Risk & Fraud', 'Claims', 'Customer Experience', 'Marketing', 'Lending', 'Legal', 'People Operations', 'Data Platform', 'Engineering Productivity', 'Payments']
const ENVIRONMENTS = ['production', 'staging', 'development']
const TAGS = ['external-facing', 'customer-data', 'internal', 'financial', 'regulated', 'chatbot', 'copilot', 'content']
const WORDS = ['Claims', 'Support', 'Fraud', 'Triage', 'Summariser', 'Assistant', 'Copilot', 'Reviewer', 'Drafter', 'Extractor', 'Concierge', 'Screener']

export const benchAppId = (i: number) => `app_${String(i).padStart(5, '0')}`


export async function buildLargePortfolio(file: string, applications: number): Promise<void> {
  const { engine, evaluator } = await openEngineParts(file)
  const call = caller(engine)
  for (let i = 0; i < applications; i++) {
    await call('applications.create', {
      id: benchAppId(i),
      name: `${WORDS[i % WORDS.length]} ${WORDS[(i * 5 + 3) % WORDS.length]} ${i}`,
      team: TEAMS[i % TEAMS.length]!,
      environment: ENVIRONMENTS[i % ENVIRONMENTS.length]!,
      tags: [TAGS[i % TAGS.length]!, TAGS[(i * 3 + 1) % TAGS.length]!],
    })
  }
  const metrics = new Set<MetricKey>()
  for (const template_id of ['system_health', 'sensitive_data', 'hardened_external', 'performance_monitored'] as const) {
    const policy = await call('policies.createFromTemplate', { template_id, scope: { apply_to_all: true, tags: [], application_ids: [] } })
    for (const rule of policy.alert_rules) metrics.add(rule.metric)
  }
  writeSteadyMonitoringData(file, Array.from({ length: applications }, (_, i) => benchAppId(i)), metrics, HOURS, 0.09)
  await evaluator.evaluateNow()
  await engine.close()
}
