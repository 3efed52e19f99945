/**
 * The one place a policy's field paths meet the labels people see. The engine's messages name
 * fields as the API does ("notification_webhook must be an http(s) URL"); on screen they read
 * with the label beside them ("Notifications webhook URL must be an http(s) URL").
 */
export const POLICY_FIELD_LABELS = {
  name: 'Policy Name',
  description: 'Description',
  owner_group_id: 'Ownership',
  enforcement_delay_days: 'Enforcement delay',
  notification_webhook: 'Notifications webhook URL',
  auto_apply: 'Auto-apply to new applications',
  auto_restore: 'Auto-restore deleted rules',
  alert_rules: 'Alert rules',
  attestation_rule_ids: 'Attestation rules',
  // Within one chosen rule (alert_rules.<rule>.threshold).
  alert_rule_id: 'Alert rule',
  metric: 'Metric',
  operator: 'Operator',
  threshold: 'Threshold',
  severity: 'Severity',
} as const satisfies Record<string, string>

/** The field a path ends in, skipping list positions and rule ids (`alert_rules.ar_pii.threshold` -> `threshold`). */
function leafOf(field: string): string {
  const parts = field.split('.')
  return parts.length > 1 && parts[0] === 'alert_rules' ? (parts[2] ?? parts[0]) : (parts[0] ?? field)
}

/** A message as it reads beside its field: the API's field name at its start becomes the label. */
export function labelled(field: string, message: string): string {
  const leaf = leafOf(field)
  const label = (POLICY_FIELD_LABELS as Record<string, string | undefined>)[leaf]
  if (!label || !message.toLowerCase().startsWith(leaf.toLowerCase())) return message
  const rest = message.slice(leaf.length)
  // Only a whole word: "name is required", not "names…".
  return /^[\s:,.]|^$/.test(rest) ? `${label}${rest}` : message
}

export function labelledErrors(errors: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(errors).map(([field, message]) => [field, labelled(field, message)]))
}
