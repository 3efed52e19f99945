/**
 * The policy being written in the four-step wizard. Each step is checked with the contract's own
 * schemas before Next; what only the engine can know (name taken, threshold out of range) comes
 * back from `policies.create` and sends the wizard to the step that owns the field.
 */
import { create } from 'zustand'
import type { Input } from '../../../../src-shared/api/contract'
import { PolicyDraft, RequirementInput, type Policy, type PolicyTemplate } from '../../../../src-shared/domain/policy'
import type { AlertRule, Severity } from '../../../../src-shared/domain/rules'
import { client } from '../../../api/client'
import { errorsByField } from '../../../components/field-errors'

export const WIZARD_STEPS = ['Details', 'Alert Rules', 'Attestation Rules', 'Confirmation'] as const
const CONFIRMATION = WIZARD_STEPS.length - 1

export const NO_RULES_MESSAGE = 'A policy requires at least one alert rule or one attestation rule'

export interface WizardDetails {
  name: string
  description: string
  owner_group_id: string | null
  /** A string while the number input is empty or half-typed. */
  enforcement_delay_days: number | string
  notification_webhook: string
  auto_apply: boolean
  auto_restore: boolean
}

/** A library rule chosen for this policy, with the threshold and severity this policy wants. */
export interface ChosenAlertRule {
  threshold: number | string
  severity: Severity
}

const BLANK_DETAILS: WizardDetails = {
  name: '',
  description: '',
  owner_group_id: null,
  enforcement_delay_days: 30,
  notification_webhook: '',
  auto_apply: false,
  auto_restore: false,
}

interface WizardState {
  step: number
  details: WizardDetails
  /** Keyed by library rule id, in the order they were chosen (which is the order sent). */
  alertRules: Record<string, ChosenAlertRule>
  attestationRuleIds: string[]
  /** The template a cloned draft started from, shown as a reminder. */
  templateName?: string
  /** Messages by field; a rule's are under `alert_rules.<rule id>` so they sit beside that rule. */
  errors: Record<string, string>
  submitting: boolean
  startBlank(): void
  startFromTemplate(template: PolicyTemplate): void
  setDetail<K extends keyof WizardDetails>(key: K, value: WizardDetails[K]): void
  chooseAlertRule(rule: Pick<AlertRule, 'id' | 'threshold' | 'severity'>, chosen: boolean): void
  changeAlertRule(id: string, change: Partial<ChosenAlertRule>): void
  chooseAttestationRule(id: string, chosen: boolean): void
  next(): void
  back(): void
  goTo(step: number): void
  submit(): Promise<Policy | undefined>
}

type DraftInput = Input<'policies.create'>

const DetailsSchema = PolicyDraft.pick({
  name: true,
  description: true,
  owner_group_id: true,
  enforcement_delay_days: true,
  notification_webhook: true,
  auto_apply: true,
  auto_restore: true,
})

function detailsPayload(details: WizardDetails) {
  return {
    name: details.name,
    description: details.description.trim() || null,
    owner_group_id: details.owner_group_id,
    enforcement_delay_days: details.enforcement_delay_days as number,
    notification_webhook: details.notification_webhook.trim() || null,
    auto_apply: details.auto_apply,
    auto_restore: details.auto_restore,
  }
}

function alertRulesPayload(alertRules: Record<string, ChosenAlertRule>) {
  return Object.entries(alertRules).map(([alert_rule_id, chosen]) => ({
    alert_rule_id,
    threshold: chosen.threshold as number,
    severity: chosen.severity,
  }))
}

/** What CONFIRM & CREATE sends, also shown on the confirmation step. */
export function draftOf(state: Pick<WizardState, 'details' | 'alertRules' | 'attestationRuleIds'>): DraftInput {
  return {
    ...detailsPayload(state.details),
    alert_rules: alertRulesPayload(state.alertRules),
    attestation_rule_ids: state.attestationRuleIds,
    status: 'published',
  }
}

function validateStep(step: number, state: WizardState): Record<string, string> {
  const errors: Record<string, string> = {}
  if (step === 0) {
    const parsed = DetailsSchema.safeParse(detailsPayload(state.details))
    for (const issue of parsed.error?.issues ?? []) errors[String(issue.path[0] ?? 'form')] ??= issue.message
  }
  if (step === 1) {
    for (const requirement of alertRulesPayload(state.alertRules)) {
      const parsed = RequirementInput.safeParse(requirement)
      const issue = parsed.error?.issues[0]
      if (issue) errors[`alert_rules.${requirement.alert_rule_id}.${String(issue.path[0] ?? '')}`] = issue.message
    }
  }
  if (step === 2 && Object.keys(state.alertRules).length === 0 && state.attestationRuleIds.length === 0) {
    errors.rules = NO_RULES_MESSAGE
  }
  return errors
}

/** The step whose fields an engine error is about. */
function stepOwning(field: string): number {
  if (field === 'rules' || field.startsWith('alert_rules')) return 1
  if (field.startsWith('attestation_rule_ids')) return 2
  if (field === 'form' || field === 'status' || field === 'scope') return CONFIRMATION
  return 0
}

/** `alert_rules.2.threshold` -> `alert_rules.ar_pii.threshold`: list positions become the rule they were. */
function keyedByRule(errors: Record<string, string>, sent: DraftInput): Record<string, string> {
  const keyed: Record<string, string> = {}
  for (const [field, message] of Object.entries(errors)) {
    const match = /^(alert_rules|attestation_rule_ids)\.(\d+)(.*)$/.exec(field)
    if (!match) {
      keyed[field] = message
      continue
    }
    const [, list, index, rest] = match
    const id = list === 'alert_rules' ? sent.alert_rules?.[Number(index)]?.alert_rule_id : sent.attestation_rule_ids?.[Number(index)]
    keyed[id ? `${list}.${id}${rest}` : field] = message
  }
  return keyed
}

export const useWizard = create<WizardState>((set, get) => ({
  step: 0,
  details: BLANK_DETAILS,
  alertRules: {},
  attestationRuleIds: [],
  errors: {},
  submitting: false,
  startBlank() {
    set({ step: 0, details: BLANK_DETAILS, alertRules: {}, attestationRuleIds: [], templateName: undefined, errors: {} })
  },
  startFromTemplate(template) {
    const alertRules: Record<string, ChosenAlertRule> = {}
    // Template requirements point at the library rules they were seeded from (ar_<metric>).
    for (const requirement of template.alert_rules) {
      if (requirement.alert_rule_id) alertRules[requirement.alert_rule_id] = { threshold: requirement.threshold, severity: requirement.severity }
    }
    set({
      step: 0,
      details: { ...BLANK_DETAILS, name: `${template.name} (custom)`, description: template.purpose },
      alertRules,
      attestationRuleIds: [],
      templateName: template.name,
      errors: {},
    })
  },
  setDetail(key, value) {
    const { [key]: _fixed, ...errors } = get().errors
    set({ details: { ...get().details, [key]: value }, errors })
  },
  chooseAlertRule(rule, chosen) {
    const { [rule.id]: _dropped, ...rest } = get().alertRules
    const { rules: _rules, ...errors } = get().errors
    set({ alertRules: chosen ? { ...rest, [rule.id]: { threshold: rule.threshold, severity: rule.severity } } : rest, errors })
  },
  changeAlertRule(id, change) {
    const current = get().alertRules[id]
    if (!current) return
    const errors = Object.fromEntries(Object.entries(get().errors).filter(([field]) => !field.startsWith(`alert_rules.${id}`)))
    set({ alertRules: { ...get().alertRules, [id]: { ...current, ...change } }, errors })
  },
  chooseAttestationRule(id, chosen) {
    const others = get().attestationRuleIds.filter((candidate) => candidate !== id)
    const { rules: _rules, ...errors } = get().errors
    set({ attestationRuleIds: chosen ? [...others, id] : others, errors })
  },
  next() {
    const { step } = get()
    const errors = validateStep(step, get())
    if (Object.keys(errors).length) return set({ errors })
    set({ errors: {}, step: Math.min(step + 1, CONFIRMATION) })
  },
  back() {
    set({ step: Math.max(get().step - 1, 0) })
  },
  goTo(step) {
    // Forward jumps pass through every step's checks, as pressing Next would.
    for (let earlier = get().step; earlier < step; earlier++) {
      const errors = validateStep(earlier, get())
      if (Object.keys(errors).length) return set({ errors, step: earlier })
    }
    set({ step })
  },
  async submit() {
    const draft = draftOf(get())
    set({ submitting: true, errors: {} })
    try {
      const policy = await client.call('policies.create', draft)
      get().startBlank()
      return policy
    } catch (error) {
      const errors = keyedByRule(errorsByField(error), draft)
      set({ errors, step: Math.min(...Object.keys(errors).map(stepOwning)) })
      return undefined
    } finally {
      set({ submitting: false })
    }
  },
}))
