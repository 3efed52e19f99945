/** How an attestation rule reads in forms, tables and summaries. */
import type { AttestationRule, Frequency } from '../../../src-shared/domain/rules'

export const FREQUENCY_LABELS: Record<Frequency, string> = {
  monthly: 'Monthly',
  quarterly: 'Quarterly',
  annually: 'Annually',
  every_n_days: 'Every N days',
}

export function describeFrequency(rule: Pick<AttestationRule, 'frequency' | 'every_days'>): string {
  return rule.frequency === 'every_n_days' ? `Every ${rule.every_days ?? '?'} days` : FREQUENCY_LABELS[rule.frequency]
}
