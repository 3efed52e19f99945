/**
 * The policy being written in the four-step wizard. Next checks the step with the engine's own
 * schemas (every error at once, in the words on screen) and asks the engine what only it knows:
 * whether the name is taken (step 1), and whether the policy as a whole would be accepted (a dry
 * run at step 3). What the engine refuses at Confirm & Create sends the wizard to the step that
 * holds the field.
 */
import { create } from 'zustand'
import type { Input } from '../../../../src-shared/api/contract'
import { PolicyDraft, type Policy, type PolicyTemplate } from '../../../../src-shared/domain/policy'
import { thresholdRangeError, type AlertRule, type Severity } from '../../../../src-shared/domain/rules'
import { client } from '../../../api/client'
import { notifyFailed } from '../../../components/feedback'
import { errorsByField, issuesByField } from '../../../components/field-errors'
import { labelledErrors } from '../details-form/field-labels'
import { BLANK_DETAILS, checkNewDetails, detailsPayload, type PolicyDetailsValues } from '../details-form/policy-details'

export const WIZARD_STEPS = ['Details', 'Alert Rules', 'Attestation Rules', 'Confirmation'] as const
const [DETAILS, ALERT_RULES, ATTESTATION_RULES, CONFIRMATION] = [0, 1, 2, 3] as const

/** A library rule chosen for this policy, with the threshold and severity this policy wants. */
export interface ChosenAlertRule {
  metric: AlertRule['metric']
  threshold: number | string
  severity: Severity
}

type ChoosableRule = Pick<AlertRule, 'id' | 'metric' | 'threshold' | 'severity'>

interface WizardState {
  step: number
  details: PolicyDetailsValues
  /** Keyed by library rule id, in the order they were chosen (which is the order sent). */
  alertRules: Record<string, ChosenAlertRule>
  attestationRuleIds: string[]
  /** The template a cloned draft started from: named as a reminder, and recorded on the policy. */
  template?: Pick<PolicyTemplate, 'id' | 'name'>
  /** Messages by field; a rule's are under `alert_rules.<rule id>` so they sit beside that rule. */
  errors: Record<string, string>
  /** Next is asking the engine. */
  checking: boolean
  submitting: boolean
  startBlank(): void
  startFromTemplate(template: PolicyTemplate): void
  setDetail<K extends keyof PolicyDetailsValues>(key: K, value: PolicyDetailsValues[K]): void
  chooseAlertRule(rule: ChoosableRule, chosen: boolean): void
  changeAlertRule(id: string, change: Partial<Pick<ChosenAlertRule, 'threshold' | 'severity'>>): void
  chooseAttestationRule(id: string, chosen: boolean): void
  next(): Promise<void>
  back(): void
  goTo(step: number): Promise<void>
  submit(): Promise<Policy | undefined>
}

type DraftInput = Input<'policies.create'>
type Draft = Pick<WizardState, 'details' | 'alertRules' | 'attestationRuleIds' | 'template'>

const AlertRulesSchema = PolicyDraft.pick({ alert_rules: true })

function alertRulesPayload(alertRules: Record<string, ChosenAlertRule>) {
  return Object.entries(alertRules).map(([alert_rule_id, chosen]) => ({
    alert_rule_id,
    threshold: chosen.threshold as number,
    severity: chosen.severity,
  }))
}

/** What CONFIRM & CREATE sends. */
export function draftOf(state: Draft): DraftInput {
  return {
    ...detailsPayload(state.details),
    alert_rules: alertRulesPayload(state.alertRules),
    attestation_rule_ids: state.attestationRuleIds,
    status: 'published',
    template_id: state.template?.id ?? null,
  }
}

/** `alert_rules.2.threshold` -> `alert_rules.ar_pii.threshold`: list positions become the rule they were. */
function keyedByRule(errors: Record<string, string>, sent: Pick<DraftInput, 'alert_rules' | 'attestation_rule_ids'>): Record<string, string> {
  const keyed: Record<string, string> = {}
  for (const [field, message] of Object.entries(errors)) {
    const match = /^(alert_rules|attestation_rule_ids)\.(\d+)(.*)$/.exec(field)
    const [, list, index, rest] = match ?? []
    const id = list === 'alert_rules' ? sent.alert_rules?.[Number(index)]?.alert_rule_id : sent.attestation_rule_ids?.[Number(index)]
    keyed[match && id ? `${list}.${id}${rest}` : field] ??= message
  }
  return keyed
}

/** Every chosen rule checked at once: the schema's checks, then each threshold against its metric's range. */
function checkAlertRules(state: Draft): Record<string, string> {
  const alert_rules = alertRulesPayload(state.alertRules)
  const errors = keyedByRule(issuesByField(AlertRulesSchema.safeParse({ alert_rules }).error), { alert_rules })
  for (const [id, chosen] of Object.entries(state.alertRules)) {
    const outOfRange = typeof chosen.threshold === 'number' ? thresholdRangeError(chosen.metric, chosen.threshold) : undefined
    if (outOfRange) errors[`alert_rules.${id}.threshold`] ??= outOfRange
  }
  return errors
}

/** The engine's answer for the whole policy, rehearsed and written nowhere. */
async function rehearseCreate(state: Draft): Promise<Record<string, string>> {
  const draft = draftOf(state)
  try {
    await client.call('policies.create', { ...draft, dry_run: true })
    return {}
  } catch (error) {
    return keyedByRule(errorsByField(error), draft)
  }
}

async function checkStep(step: number, state: Draft): Promise<Record<string, string>> {
  if (step === DETAILS) return checkNewDetails(state.details, (await client.call('policies.list', { include_archived: false })).policies)
  if (step === ALERT_RULES) return labelledErrors(checkAlertRules(state))
  if (step === ATTESTATION_RULES) return labelledErrors(await rehearseCreate(state))
  return {}
}

/** The step whose fields an error is about. */
function stepOwning(field: string): number {
  // "At least one alert rule or one attestation rule" is about both lists; it shows where both have been seen.
  if (field === 'alert_rules') return ATTESTATION_RULES
  if (field.startsWith('alert_rules.')) return ALERT_RULES
  if (field.startsWith('attestation_rule_ids')) return ATTESTATION_RULES
  if (field === 'form' || field === 'status' || field === 'scope') return CONFIRMATION
  return DETAILS
}

/** Where the wizard goes with errors found from `step`: the earliest step holding one, never further on. */
function stepFor(errors: Record<string, string>, step: number): number {
  return Math.min(step, ...Object.keys(errors).map(stepOwning))
}

const withoutErrorsUnder = (errors: Record<string, string>, prefix: string) => Object.fromEntries(Object.entries(errors).filter(([field]) => field !== prefix && !field.startsWith(`${prefix}.`)))

export const useWizard = create<WizardState>((set, get) => ({
  step: DETAILS,
  details: BLANK_DETAILS,
  alertRules: {},
  attestationRuleIds: [],
  errors: {},
  checking: false,
  submitting: false,
  startBlank() {
    set({ step: DETAILS, details: BLANK_DETAILS, alertRules: {}, attestationRuleIds: [], template: undefined, errors: {} })
  },
  startFromTemplate(template) {
    const alertRules: Record<string, ChosenAlertRule> = {}
    // Template requirements point at the library rules they were seeded from (ar_<metric>).
    for (const requirement of template.alert_rules) {
      if (requirement.alert_rule_id) alertRules[requirement.alert_rule_id] = { metric: requirement.metric, threshold: requirement.threshold, severity: requirement.severity }
    }
    set({
      step: DETAILS,
      details: { ...BLANK_DETAILS, name: `${template.name} (custom)`, description: template.purpose },
      alertRules,
      attestationRuleIds: [],
      template: { id: template.id, name: template.name },
      errors: {},
    })
  },
  setDetail(key, value) {
    const { [key]: _fixed, ...errors } = get().errors
    set({ details: { ...get().details, [key]: value }, errors })
  },
  chooseAlertRule(rule, chosen) {
    const { [rule.id]: _dropped, ...rest } = get().alertRules
    const { alert_rules: _none, ...errors } = withoutErrorsUnder(get().errors, `alert_rules.${rule.id}`)
    set({ alertRules: chosen ? { ...rest, [rule.id]: { metric: rule.metric, threshold: rule.threshold, severity: rule.severity } } : rest, errors })
  },
  changeAlertRule(id, change) {
    const current = get().alertRules[id]
    if (!current) return
    set({ alertRules: { ...get().alertRules, [id]: { ...current, ...change } }, errors: withoutErrorsUnder(get().errors, `alert_rules.${id}`) })
  },
  chooseAttestationRule(id, chosen) {
    const others = get().attestationRuleIds.filter((candidate) => candidate !== id)
    const { alert_rules: _none, ...errors } = get().errors
    set({ attestationRuleIds: chosen ? [...others, id] : others, errors })
  },
  async next() {
    await get().goTo(get().step + 1)
  },
  back() {
    set({ step: Math.max(get().step - 1, DETAILS) })
  },
  async goTo(target) {
    const to = Math.min(Math.max(target, DETAILS), CONFIRMATION)
    if (to <= get().step) return set({ step: to })
    set({ checking: true })
    try {
      // Forward moves pass through every step's checks, as pressing Next on each would.
      for (let step = get().step; step < to; step++) {
        const errors = await checkStep(step, get())
        if (Object.keys(errors).length) return set({ errors, step: stepFor(errors, step) })
      }
      set({ errors: {}, step: to })
    } catch (error) {
      notifyFailed(error, 'Could not check this step')
    } finally {
      set({ checking: false })
    }
  },
  async submit() {
    const draft = draftOf(get())
    set({ submitting: true, errors: {} })
    try {
      const policy = await client.call('policies.create', draft)
      get().startBlank()
      return policy
    } catch (error) {
      const errors = labelledErrors(keyedByRule(errorsByField(error), draft))
      set({ errors, step: stepFor(errors, CONFIRMATION) })
      return undefined
    } finally {
      set({ submitting: false })
    }
  },
}))
