import { describe, expect, it } from 'vitest'
import { METRIC_KEYS } from '../../../src-shared/domain/metrics'
import { TEMPLATES } from './templates'

const rows = (id: string) =>
  TEMPLATES.find((template) => template.id === id)!.alert_rules.map((rule) => [rule.requirement, rule.operator, rule.threshold, rule.severity])

describe('the built-in templates', () => {
  it('are exactly the four of the reference, with its ids', () => {
    expect(TEMPLATES.map((template) => [template.id, template.name])).toEqual([
      ['system_health', 'System Health'],
      ['sensitive_data', 'Sensitive Data'],
      ['hardened_external', 'Hardened for External Usage'],
      ['performance_monitored', 'Performance Monitored'],
    ])
  })

  it('System Health: latency p95 > 5000 ms high, error rate > 5% critical, throughput drop > 50% high, availability < 99% critical', () => {
    expect(rows('system_health')).toEqual([
      ['latency_p95', '>', 5000, 'high'],
      ['error_rate', '>', 5, 'critical'],
      ['throughput_drop', '>', 50, 'high'],
      ['availability', '<', 99, 'critical'],
    ])
  })

  it('Sensitive Data: PII > 2%, sensitive data > 1%, credit card and government id zero tolerance, all critical', () => {
    expect(rows('sensitive_data')).toEqual([
      ['pii', '>', 2, 'critical'],
      ['sensitive_data', '>', 1, 'critical'],
      ['credit_card', '>', 0, 'critical'],
      ['gov_id', '>', 0, 'critical'],
    ])
  })

  it('Hardened for External Usage: injection, toxicity, PII, sensitive data, jailbreak', () => {
    expect(rows('hardened_external')).toEqual([
      ['prompt_injection', '>', 0.5, 'critical'],
      ['toxicity', '>', 1, 'high'],
      ['pii', '>', 2, 'critical'],
      ['sensitive_data', '>', 1, 'critical'],
      ['jailbreak', '>', 0.1, 'critical'],
    ])
  })

  it('Performance Monitored: hallucination > 5% high, coherence < 0.75 medium, task completion < 90% high, satisfaction < 3.5 medium', () => {
    expect(rows('performance_monitored')).toEqual([
      ['hallucination', '>', 5, 'high'],
      ['coherence', '<', 0.75, 'medium'],
      ['task_completion', '<', 90, 'high'],
      ['user_satisfaction', '<', 3.5, 'medium'],
    ])
  })

  it('only uses keys of the metric catalogue, which has the fifteen requirement keys', () => {
    expect(METRIC_KEYS).toHaveLength(15)
    for (const template of TEMPLATES) for (const rule of template.alert_rules) expect(METRIC_KEYS).toContain(rule.metric)
  })
})
