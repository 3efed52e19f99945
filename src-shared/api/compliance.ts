import { z } from 'zod'
import { ApplicationId, Tag } from '../domain/application'
import { Timestamp } from '../domain/common'
import { ApplicationCompliance, ComplianceOverview, ComplianceStatus, Gap, OrganizationCompliance, TrendPoint } from '../domain/compliance'
import { PolicyId } from '../domain/policy'
import { procedure } from './procedure'

/** Every compliance query may ask about the past: the answer the console would have given then. */
const AsOf = Timestamp.optional()

export const complianceApi = {
  'compliance.organization': procedure({
    summary: 'Compliance of every published policy, with the applications that fall short and why.',
    access: 'read',
    input: z.strictObject({
      application_id: ApplicationId.optional(),
      policy_id: PolicyId.optional(),
      as_of: AsOf,
      /** Policies per page; without it, every policy in one answer, as the reference has it. */
      limit: z.coerce.number().int().min(1, 'limit is at least 1').max(1000, 'limit is at most 1000').optional(),
      cursor: z.string().min(1).max(1000).optional(),
    }),
    output: OrganizationCompliance,
    rest: { method: 'GET', path: '/organization/policies/compliance' },
  }),
  'compliance.application': procedure({
    summary: 'One application under each policy that covers it: status, each requirement’s value against its threshold, and when it was evaluated.',
    access: 'read',
    input: z.strictObject({ id: ApplicationId, as_of: AsOf }),
    output: ApplicationCompliance,
    rest: { method: 'GET', path: '/applications/{id}/compliance' },
  }),
  'compliance.overview': procedure({
    summary: 'The Governance Dashboard: status counts per policy and per application, filterable.',
    access: 'read',
    input: z.strictObject({
      as_of: AsOf,
      tag: Tag.optional(),
      // Compared with the stored team and environment, which are kept in NFC.
      team: z.string().normalize('NFC').optional(),
      environment: z.string().normalize('NFC').optional(),
      status: ComplianceStatus.optional(),
    }),
    output: ComplianceOverview,
    rest: { method: 'GET', path: '/organization/compliance/overview' },
  }),
  'compliance.trend': procedure({
    summary: 'Application × policy statuses at the end of each day, for the compliance-over-time chart.',
    access: 'read',
    input: z.strictObject({ days: z.coerce.number().int().min(1).max(366).default(30), as_of: AsOf }),
    output: z.object({ points: z.array(TrendPoint) }),
    rest: { method: 'GET', path: '/organization/compliance/trend' },
  }),
  'compliance.evaluate': procedure({
    summary: 'Evaluate now: returns once every status is current.',
    access: 'manage',
    input: z.strictObject({ application_id: ApplicationId.optional() }),
    output: z.object({ evaluated_at: Timestamp, applications: z.number().int() }),
    rest: { method: 'POST', path: '/organization/compliance/evaluate' },
  }),
  'gaps.list': procedure({
    summary: 'Compliance gaps, open and resolved, newest first.',
    access: 'read',
    input: z.strictObject({
      application_id: ApplicationId.optional(),
      policy_id: PolicyId.optional(),
      open: z.stringbool().or(z.boolean()).optional(),
      as_of: AsOf,
      limit: z.coerce.number().int().min(1).max(10_000).default(500),
    }),
    output: z.object({ gaps: z.array(Gap) }),
    rest: { method: 'GET', path: '/organization/compliance/gaps' },
  }),
}
