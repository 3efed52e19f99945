/**
 * Attestations: the human half of governance. Each attestation rule of a published policy asks
 * its reviewers, once per period, to sign the policy off; a sign-off may grant time-boxed
 * exceptions; a missed deadline turns into Attestation Overdue and an escalation.
 */
import { z } from 'zod'
import { ApplicationId } from './application'
import { Timestamp } from './common'
import { PolicyId } from './policy'
import { AttestationRuleId, Frequency } from './rules'

export const ATTESTATION_STATUSES = ['compliant', 'compliant_with_exceptions', 'non_compliant'] as const
export const AttestationStatus = z.enum(ATTESTATION_STATUSES, { error: `status must be one of: ${ATTESTATION_STATUSES.join(', ')}` })
export type AttestationStatus = z.infer<typeof AttestationStatus>

export const ATTESTATION_STATUS_LABELS: Readonly<Record<AttestationStatus, string>> = {
  compliant: 'Compliant',
  compliant_with_exceptions: 'Compliant with exceptions',
  non_compliant: 'Non-Compliant',
}

export const AttestationRequestId = z.string().regex(/^atq_[A-Za-z0-9_-]+$/, 'must be an attestation request id such as atq_…')
export const AttestationId = z.string().regex(/^att_[A-Za-z0-9_-]+$/, 'must be an attestation id such as att_…')

/** How far ahead an exception may run: a year from the day it is granted. */
export const EXCEPTION_MAX_MONTHS = 12

/** A calendar date, YYYY-MM-DD, as the reference writes an exception's expiry. */
export const CalendarDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date written YYYY-MM-DD, such as 2027-04-15')
  .refine((text) => !Number.isNaN(Date.parse(`${text}T00:00:00Z`)) && new Date(`${text}T00:00:00Z`).toISOString().startsWith(text), 'must be a real calendar date')

const Justification = z
  .string()
  .trim()
  .min(1, 'justification is required: say why the gap is accepted, and who approved it')
  .max(2000, 'justification is at most 2,000 characters')

export const ExceptionInput = z.strictObject({
  application_id: ApplicationId,
  /** The policy requirement excepted: a metric key of one of the policy's alert rules, such as pii. */
  requirement: z.string().min(1, 'requirement is required'),
  justification: Justification,
  /** The exception holds until this date (UTC) begins; the gap returns on it. */
  expiry_date: CalendarDate,
})
export type ExceptionInput = z.infer<typeof ExceptionInput>

const Notes = z.string().trim().max(10_000, 'notes are at most 10,000 characters').nullable().default(null)

/** The reference's payload, verbatim; `request_id` optionally names the request being answered. */
export const AttestationSubmission = z
  .strictObject({
    /** The policy, from the path. */
    id: PolicyId,
    /** The reference repeats the policy in the body; when given it must match the path. */
    policy_id: PolicyId.optional(),
    status: AttestationStatus,
    notes: Notes,
    exceptions: z.array(ExceptionInput).max(500, 'exceptions lists at most 500 exceptions').default([]),
    request_id: AttestationRequestId.optional(),
  })
  .superRefine((input, ctx) => {
    if (input.policy_id !== undefined && input.policy_id !== input.id) {
      ctx.addIssue({ code: 'custom', path: ['policy_id'], message: `policy_id ${input.policy_id} does not match the policy in the path (${input.id})` })
    }
    if (input.status !== 'compliant_with_exceptions' && input.exceptions.length > 0) {
      ctx.addIssue({ code: 'custom', path: ['exceptions'], message: `exceptions are granted only with status compliant_with_exceptions, not ${input.status}` })
    }
    if (input.status === 'compliant_with_exceptions' && input.exceptions.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['exceptions'], message: 'status compliant_with_exceptions needs at least one exception' })
    }
    const seen = new Set<string>()
    input.exceptions.forEach((exception, index) => {
      const key = `${exception.application_id}|${exception.requirement}`
      if (seen.has(key)) ctx.addIssue({ code: 'custom', path: ['exceptions', index], message: `exception for ${exception.application_id}, ${exception.requirement} is listed twice` })
      seen.add(key)
    })
  })
export type AttestationSubmission = z.input<typeof AttestationSubmission>

export const PersonRef = z.object({ id: z.string(), name: z.string() })

/** A reviewer as addressed: a person, or a group with the members it had when the request was issued. */
export const Addressee = z.object({
  type: z.enum(['user', 'group']),
  id: z.string(),
  name: z.string(),
  /** A group's members at issue time; empty for a person. */
  members: z.array(PersonRef),
})
export type Addressee = z.infer<typeof Addressee>

export const ExceptionState = z.enum(['active', 'expired'])

export const AttestationException = z.object({
  id: z.string(),
  attestation_id: AttestationId,
  policy_id: PolicyId,
  application_id: ApplicationId,
  application_name: z.string(),
  requirement: z.string(),
  justification: z.string(),
  expiry_date: CalendarDate,
  /** The moment it stops holding: the start of expiry_date, UTC. */
  expires_at: Timestamp,
  granted_at: Timestamp,
  granted_by: PersonRef,
  state: ExceptionState,
})
export type AttestationException = z.infer<typeof AttestationException>

/** A request's place in its life: open (before its deadline), overdue, done (signed off) or withdrawn. */
export const RequestState = z.enum(['open', 'overdue', 'done', 'withdrawn'])
export type RequestState = z.infer<typeof RequestState>

export const AttestationRequest = z.object({
  id: AttestationRequestId,
  policy_id: PolicyId,
  policy_name: z.string(),
  attestation_rule_id: AttestationRuleId,
  rule_name: z.string(),
  frequency: Frequency,
  every_days: z.number().int().nullable(),
  /** 0 for the period that starts at publication, 1 for the next, and so on. */
  period_index: z.number().int(),
  period_start: Timestamp,
  period_end: Timestamp,
  due_at: Timestamp,
  issued_at: Timestamp,
  reviewers: z.array(Addressee),
  escalation_path: z.array(Addressee),
  notes_required: z.boolean(),
  blocking: z.enum(['block', 'warn']),
  state: RequestState,
  closed_at: Timestamp.nullable(),
  attestation_id: AttestationId.nullable(),
  withdrawn_at: Timestamp.nullable(),
  overdue_since: Timestamp.nullable(),
  escalated_at: Timestamp.nullable(),
  /** Whether the person asking is named among the reviewers, directly or through a group. */
  addressed_to_me: z.boolean(),
  /** Applications the policy covers now. */
  covered_applications: z.number().int(),
})
export type AttestationRequest = z.infer<typeof AttestationRequest>

export const Attestation = z.object({
  id: AttestationId,
  policy_id: PolicyId,
  policy_name: z.string(),
  policy_version: z.number().int(),
  status: AttestationStatus,
  notes: z.string().nullable(),
  attested_at: Timestamp,
  reviewer: PersonRef,
  /** The request it closed (the latest, where it closed several); null when none was open. */
  request_id: AttestationRequestId.nullable(),
  request: AttestationRequest.nullable(),
  /** Every request it closed: a sign-off answers the missed periods of its rules too. */
  closed_request_ids: z.array(AttestationRequestId),
  /** The period it counts for: the request's, or with none open, the rule's current period. */
  period_start: Timestamp.nullable(),
  exceptions: z.array(AttestationException),
})
export type Attestation = z.infer<typeof Attestation>

export const INBOX_TABS = ['open', 'due_soon', 'overdue', 'done'] as const
export const InboxTab = z.enum(INBOX_TABS, { error: `tab must be one of: ${INBOX_TABS.join(', ')}` })
export type InboxTab = z.infer<typeof InboxTab>

/** Requests due within this many days show under Due soon. */
export const DUE_SOON_DAYS = 3

export const InboxCounts = z.object({
  open: z.number().int(),
  due_soon: z.number().int(),
  overdue: z.number().int(),
  done: z.number().int(),
  /** Open or overdue requests addressed to the person asking: the count the navigation, tray and title show. */
  awaiting_me: z.number().int(),
})
export type InboxCounts = z.infer<typeof InboxCounts>

export const Inbox = z.object({
  tab: InboxTab,
  requests: z.array(AttestationRequest),
  counts: InboxCounts,
})
export type Inbox = z.infer<typeof Inbox>

/** Each attestation rule of a policy: its schedule, its current request and when sign-off is next due. */
export const RuleSchedule = z.object({
  attestation_rule_id: AttestationRuleId,
  name: z.string(),
  frequency: Frequency,
  every_days: z.number().int().nullable(),
  deadline_days: z.number().int(),
  blocking: z.enum(['block', 'warn']),
  /** When periods are counted from: the policy's publication, or when the rule was added. */
  anchor_at: Timestamp,
  current_request: AttestationRequest.nullable(),
  /** The next deadline not yet signed off. */
  next_due_at: Timestamp,
  /** Signed off until this deadline (the next period's), or null when the current period is not signed off. */
  signed_off_until: Timestamp.nullable(),
})
export type RuleSchedule = z.infer<typeof RuleSchedule>

export const REMINDER_KINDS = ['opened', 'due_soon', 'due_today', 'overdue', 'escalated', 'exception_expiring', 'exception_expired'] as const
export const ReminderKind = z.enum(REMINDER_KINDS)
export type ReminderKind = z.infer<typeof ReminderKind>

export const Reminder = z.object({
  id: z.number().int(),
  kind: ReminderKind,
  at: Timestamp,
  policy_id: PolicyId,
  request_id: AttestationRequestId.nullable(),
  exception_id: z.string().nullable(),
  title: z.string(),
  body: z.string(),
})
export type Reminder = z.infer<typeof Reminder>

export const GATE_DECISIONS = ['allowed', 'warned', 'blocked'] as const
export const GateDecision = z.enum(GATE_DECISIONS)
export type GateDecision = z.infer<typeof GateDecision>

export const GateReason = z.object({
  decision: z.enum(['warned', 'blocked']),
  policy_id: PolicyId,
  policy_name: z.string(),
  /** What stands in the way: an overdue attestation, a Non-Compliant or Warning status. */
  kind: z.enum(['attestation_overdue', 'non_compliant', 'warning', 'attested_non_compliant']),
  /** The requirement at fault (a metric key, or `attestation`); null for a status as a whole. */
  requirement: z.string().nullable(),
  attestation_rule_id: AttestationRuleId.nullable(),
  request_id: AttestationRequestId.nullable(),
  since: Timestamp,
  message: z.string(),
})
export type GateReason = z.infer<typeof GateReason>

export const DeploymentGate = z.object({
  application_id: ApplicationId,
  application_name: z.string(),
  decision: GateDecision,
  /** True unless blocked: what a pipeline checks before it deploys. */
  allowed: z.boolean(),
  evaluated_at: Timestamp,
  reasons: z.array(GateReason),
})
export type DeploymentGate = z.infer<typeof DeploymentGate>
