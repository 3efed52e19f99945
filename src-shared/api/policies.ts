import { z } from 'zod'
import { ApplicationId } from '../domain/application'
import {
  CoveredApplication,
  DefinitionChange,
  FromTemplate,
  Policy,
  PolicyDraft,
  PolicyId,
  PolicyPatch,
  PolicyTemplate,
  PolicyVersion,
  Scope,
} from '../domain/policy'
import { Impact, ScopePreview } from '../domain/compliance'
import { procedure } from './procedure'

/** A policy as a change leaves it; with dry_run, as it would leave it, with the impact and nothing written. */
const PolicyChange = Policy.extend({ impact: Impact.optional() })

export const policiesApi = {
  'templates.list': procedure({
    summary: 'The four built-in policy templates.',
    access: 'read',
    input: z.strictObject({}),
    output: z.object({ templates: z.array(PolicyTemplate) }),
    rest: { method: 'GET', path: '/organization/policy-templates' },
  }),
  'policies.list': procedure({
    summary: 'Every policy, with its scope and how many applications it covers.',
    access: 'read',
    input: z.strictObject({ include_archived: z.stringbool().or(z.boolean()).default(false) }),
    output: z.object({ policies: z.array(Policy) }),
    rest: { method: 'GET', path: '/organization/policies' },
  }),
  'policies.get': procedure({
    summary: 'One policy by id.',
    access: 'read',
    input: z.strictObject({ id: PolicyId }),
    output: Policy,
    rest: { method: 'GET', path: '/organization/policies/{id}' },
  }),
  'policies.create': procedure({
    summary: 'Create a policy; it needs at least one alert rule or attestation rule.',
    access: 'manage',
    input: PolicyDraft,
    output: PolicyChange,
    rest: { method: 'POST', path: '/organization/policies', status: 201 },
  }),
  'policies.createFromTemplate': procedure({
    summary: 'Create a policy from a built-in template, to apply as is or edit.',
    access: 'manage',
    input: FromTemplate,
    output: PolicyChange,
    rest: { method: 'POST', path: '/organization/policies/from-template', status: 201 },
  }),
  'policies.update': procedure({
    summary: 'Change a policy (details, rules, scope); every covered application follows in the same transaction.',
    access: 'manage',
    input: PolicyPatch,
    output: PolicyChange,
    rest: { method: 'PATCH', path: '/organization/policies/{id}' },
  }),
  'policies.archive': procedure({
    summary: 'Archive a policy: it stops covering applications and its materialised rules are removed.',
    access: 'manage',
    input: z.strictObject({ id: PolicyId }),
    output: Policy,
    rest: { method: 'DELETE', path: '/organization/policies/{id}' },
  }),
  'policies.versions': procedure({
    summary: 'Every version of a policy, newest first, each with the definition it froze.',
    access: 'read',
    input: z.strictObject({ id: PolicyId }),
    output: z.object({ versions: z.array(PolicyVersion) }),
    rest: { method: 'GET', path: '/organization/policies/{id}/versions' },
  }),
  'policies.diff': procedure({
    summary: 'What changed between two versions of a policy.',
    access: 'read',
    input: z.strictObject({ id: PolicyId, from: z.coerce.number().int().min(1), to: z.coerce.number().int().min(1) }),
    output: z.object({ from: z.number().int(), to: z.number().int(), changes: z.array(DefinitionChange) }),
    rest: { method: 'GET', path: '/organization/policies/{id}/diff' },
  }),
  'policies.coverage': procedure({
    summary: 'The applications a policy covers, since when, and any required rules that are missing.',
    access: 'read',
    input: z.strictObject({ id: PolicyId }),
    output: z.object({ applications: z.array(CoveredApplication) }),
    rest: { method: 'GET', path: '/organization/policies/{id}/applications' },
  }),
  'policies.previewScope': procedure({
    summary: 'Which applications a scope would cover and the status each would have, rehearsed as applying it would run; nothing is written.',
    access: 'read',
    input: z.strictObject({ id: PolicyId, scope: Scope }),
    output: ScopePreview,
    rest: { method: 'POST', path: '/organization/policies/{id}/scope-preview' },
  }),
  'applications.policies': procedure({
    summary: 'The policies covering one application.',
    access: 'read',
    input: z.strictObject({ id: ApplicationId }),
    output: z.object({ policies: z.array(Policy) }),
    rest: { method: 'GET', path: '/applications/{id}/policies' },
  }),
}
