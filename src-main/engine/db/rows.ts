/**
 * Row mappers for tables that several engine areas read: each turns a stored row into the domain
 * shape, parsing the enums it stores as text, so every reader gets the same answer.
 */
import { MetricKey } from '../../../src-shared/domain/metrics'
import type { Requirement } from '../../../src-shared/domain/policy'
import { NoDataPolicy, Operator, Severity } from '../../../src-shared/domain/rules'
import type { PolicyRequirementsTable } from './schema'

/** A policy_requirements row as the requirement it stores. */
export function requirementFromRow(row: Omit<PolicyRequirementsTable, 'policy_id' | 'position'>): Requirement {
  const metric = MetricKey.parse(row.metric)
  return {
    requirement: metric,
    name: row.name,
    metric,
    operator: Operator.parse(row.operator),
    threshold: row.threshold,
    severity: Severity.parse(row.severity),
    window_hours: row.window_hours,
    no_data: NoDataPolicy.parse(row.no_data),
    alert_rule_id: row.alert_rule_id,
  }
}
