/**
 * What changed between two policy definitions, in terms a reviewer reads: requirements keyed by
 * their metric (`alert_rules.pii.threshold`), attestation rules by id, everything else by field.
 */
import { isDeepStrictEqual } from 'node:util'
import type { DefinitionChange, PolicyDefinition } from '../../../src-shared/domain/policy'

function diffKeyed<T extends object>(path: string, before: readonly T[], after: readonly T[], keyOf: (item: T) => string): DefinitionChange[] {
  const changes: DefinitionChange[] = []
  const beforeByKey = new Map(before.map((item) => [keyOf(item), item]))
  const afterByKey = new Map(after.map((item) => [keyOf(item), item]))
  for (const [key, old] of beforeByKey) {
    const current = afterByKey.get(key)
    if (!current) {
      changes.push({ path: `${path}.${key}`, before: old, after: null })
      continue
    }
    for (const field of Object.keys({ ...old, ...current }) as Array<keyof T>) {
      if (!isDeepStrictEqual(old[field], current[field])) {
        changes.push({ path: `${path}.${key}.${String(field)}`, before: old[field] ?? null, after: current[field] ?? null })
      }
    }
  }
  for (const [key, added] of afterByKey) {
    if (!beforeByKey.has(key)) changes.push({ path: `${path}.${key}`, before: null, after: added })
  }
  return changes
}

export function diffDefinitions(before: PolicyDefinition, after: PolicyDefinition): DefinitionChange[] {
  const changes: DefinitionChange[] = []
  for (const field of Object.keys(after) as Array<keyof PolicyDefinition>) {
    if (field === 'alert_rules') {
      changes.push(...diffKeyed('alert_rules', before.alert_rules, after.alert_rules, (rule) => rule.requirement))
    } else if (field === 'attestation_rules') {
      changes.push(...diffKeyed('attestation_rules', before.attestation_rules, after.attestation_rules, (rule) => rule.id))
    } else if (field === 'scope') {
      for (const key of ['apply_to_all', 'tags', 'application_ids'] as const) {
        if (!isDeepStrictEqual(before.scope[key], after.scope[key])) {
          changes.push({ path: `scope.${key}`, before: before.scope[key], after: after.scope[key] })
        }
      }
    } else if (!isDeepStrictEqual(before[field], after[field])) {
      changes.push({ path: field, before: before[field], after: after[field] })
    }
  }
  return changes
}

/** One line for the version list: "alert_rules.pii.threshold 2 → 1; scope.tags". */
export function summariseChanges(changes: readonly DefinitionChange[]): string {
  if (changes.length === 0) return 'No change'
  const parts = changes.slice(0, 4).map((change) =>
    typeof change.before === 'number' || typeof change.before === 'string' || typeof change.before === 'boolean'
      ? `${change.path} ${String(change.before)} → ${String(change.after)}`
      : change.before === null
        ? `added ${change.path}`
        : change.after === null
          ? `removed ${change.path}`
          : `changed ${change.path}`,
  )
  return parts.join('; ') + (changes.length > 4 ? `; and ${changes.length - 4} more` : '')
}
