import { z } from 'zod'
import { ApplicationId } from '../domain/application'
import { Attestation, AttestationRequest, AttestationRequestId, AttestationSubmission, DeploymentGate, Inbox, InboxTab, Reminder, RuleSchedule } from '../domain/attestations'
import { Gap, PolicyStatus } from '../domain/compliance'
import { PolicyId } from '../domain/policy'
import { procedure } from './procedure'

export const attestationsApi = {
  'attestations.submit': procedure({
    summary:
      'Sign a policy off: compliant, compliant_with_exceptions (with time-boxed exceptions) or non_compliant, with notes. Closes the open request of the period; only a reviewer the rule names, or an org admin, may attest.',
    access: 'attest',
    input: AttestationSubmission,
    output: Attestation,
    rest: { method: 'POST', path: '/organization/policies/{id}/attestations', status: 201 },
  }),
  'attestations.list': procedure({
    summary: 'A policy’s attestation history, newest first: reviewer, time, status, notes and exceptions (expired ones marked).',
    access: 'read',
    input: z.strictObject({ id: PolicyId }),
    output: z.object({ attestations: z.array(Attestation) }),
    rest: { method: 'GET', path: '/organization/policies/{id}/attestations' },
  }),
  'attestations.inbox': procedure({
    summary: 'Attestation requests by tab (open, due soon, overdue, done), optionally for one policy or only those addressed to you, with each tab’s count.',
    access: 'read',
    input: z.strictObject({
      tab: InboxTab.default('open'),
      policy_id: PolicyId.optional(),
      mine: z.stringbool().or(z.boolean()).default(false),
    }),
    output: Inbox,
    rest: { method: 'GET', path: '/attestation-requests' },
  }),
  'attestations.request': procedure({
    summary: 'One attestation request with the evidence to review: the policy’s status on every covered application, each requirement against its threshold, and the open gaps.',
    access: 'read',
    input: z.strictObject({ id: AttestationRequestId }),
    output: z.object({ request: AttestationRequest, evidence: z.array(PolicyStatus), gaps: z.array(Gap) }),
    rest: { method: 'GET', path: '/attestation-requests/{id}' },
  }),
  'attestations.schedules': procedure({
    summary: 'Each attestation rule of a policy: its current request, when sign-off is next due and until when it is signed off.',
    access: 'read',
    input: z.strictObject({ id: PolicyId }),
    output: z.object({ rules: z.array(RuleSchedule) }),
    rest: { method: 'GET', path: '/organization/policies/{id}/attestation-schedules' },
  }),
  'attestations.reminders': procedure({
    summary: 'Reminders addressed to you (request opened, due soon, due today, overdue, escalated, exception expiring or expired), oldest first, after a given id.',
    access: 'read',
    input: z.strictObject({ after_id: z.coerce.number().int().min(0).default(0), limit: z.coerce.number().int().min(1).max(500).default(100) }),
    output: z.object({ reminders: z.array(Reminder), last_id: z.number().int() }),
    rest: { method: 'GET', path: '/attestation-reminders' },
  }),
  'applications.deploymentGate': procedure({
    summary:
      'Whether the application may be deployed now: allowed, warned or blocked, with the reasons (policy, requirement or attestation, since when). Blocked by an overdue blocking attestation, or by Non-Compliance past the enforcement delay.',
    access: 'read',
    input: z.strictObject({ id: ApplicationId }),
    output: DeploymentGate,
    rest: { method: 'GET', path: '/applications/{id}/deployment-gate' },
  }),
}
