/**
 * The four built-in policy templates, exactly as the product reference defines them. Each
 * requirement points at the library rule seeded with the same values (ar_<metric>).
 */
import { METRIC_BY_KEY, type MetricKey } from '../../../src-shared/domain/metrics'
import type { PolicyTemplate, Requirement, TemplateId } from '../../../src-shared/domain/policy'
import type { Operator, Severity } from '../../../src-shared/domain/rules'

function requirement(metric: MetricKey, operator: Operator, threshold: number, severity: Severity, windowHours = 24): Requirement {
  return {
    requirement: metric,
    name: METRIC_BY_KEY[metric].label,
    metric,
    operator,
    threshold,
    severity,
    window_hours: windowHours,
    no_data: 'pending',
    alert_rule_id: `ar_${metric}`,
  }
}

export const TEMPLATES: readonly PolicyTemplate[] = [
  {
    id: 'system_health',
    name: 'System Health',
    purpose: 'Ensures every application has baseline operational monitoring in place.',
    best_for: 'All production applications as a universal baseline.',
    alert_rules: [
      requirement('latency_p95', '>', 5000, 'high'),
      requirement('error_rate', '>', 5, 'critical'),
      requirement('throughput_drop', '>', 50, 'high', 168),
      requirement('availability', '<', 99, 'critical'),
    ],
  },
  {
    id: 'sensitive_data',
    name: 'Sensitive Data',
    purpose: 'Prevents sensitive or regulated data from appearing in LLM inputs or outputs.',
    best_for:
      'Applications handling customer data, healthcare information, or financial records. Aligns with HIPAA, PCI-DSS, and GDPR requirements.',
    alert_rules: [
      requirement('pii', '>', 2, 'critical'),
      requirement('sensitive_data', '>', 1, 'critical'),
      requirement('credit_card', '>', 0, 'critical'),
      requirement('gov_id', '>', 0, 'critical'),
    ],
  },
  {
    id: 'hardened_external',
    name: 'Hardened for External Usage',
    purpose: 'Comprehensive security posture for LLM applications exposed to untrusted end users.',
    best_for: 'Customer-facing chatbots, public-facing AI assistants, and any application where you cannot control who submits prompts.',
    alert_rules: [
      requirement('prompt_injection', '>', 0.5, 'critical'),
      requirement('toxicity', '>', 1, 'high'),
      requirement('pii', '>', 2, 'critical'),
      requirement('sensitive_data', '>', 1, 'critical'),
      requirement('jailbreak', '>', 0.1, 'critical'),
    ],
  },
  {
    id: 'performance_monitored',
    name: 'Performance Monitored',
    purpose: 'Tracks LLM output quality over time to catch model drift and degradation.',
    best_for: 'Internal productivity tools, copilots, and any application where output quality directly impacts business outcomes.',
    alert_rules: [
      requirement('hallucination', '>', 5, 'high'),
      requirement('coherence', '<', 0.75, 'medium'),
      requirement('task_completion', '<', 90, 'high'),
      requirement('user_satisfaction', '<', 3.5, 'medium'),
    ],
  },
]

export function templateById(id: TemplateId): PolicyTemplate {
  const template = TEMPLATES.find((candidate) => candidate.id === id)
  if (!template) throw new Error(`unknown template ${id}`)
  return template
}
