import { z } from 'zod'
import { Application, ApplicationDraft, ApplicationFilter, ApplicationId, ApplicationPatch } from '../domain/application'
import { MetricKey } from '../domain/metrics'
import { MaterialisedRule, MissingRule } from '../domain/policy'
import { procedure } from './procedure'

export const applicationsApi = {
  'applications.list': procedure({
    summary: 'List applications, optionally filtered by text, tag, team or environment.',
    access: 'read',
    input: ApplicationFilter,
    output: z.object({ applications: z.array(Application) }),
    rest: { method: 'GET', path: '/applications' },
  }),
  'applications.get': procedure({
    summary: 'One application by id.',
    access: 'read',
    input: z.strictObject({ id: ApplicationId }),
    output: Application,
    rest: { method: 'GET', path: '/applications/{id}' },
  }),
  'applications.create': procedure({
    summary: 'Register an application: name, tags, team, environment.',
    access: 'write',
    input: ApplicationDraft,
    output: Application,
    rest: { method: 'POST', path: '/applications', status: 201 },
  }),
  'applications.update': procedure({
    summary: 'Change an application’s name, tags, team or environment.',
    access: 'write',
    input: ApplicationPatch,
    output: Application,
    rest: { method: 'PATCH', path: '/applications/{id}' },
  }),
  'applications.rules': procedure({
    summary: 'The alert rules policies have materialised on an application, and any required ones that are missing.',
    access: 'read',
    input: z.strictObject({ id: ApplicationId }),
    output: z.object({ alert_rules: z.array(MaterialisedRule), missing: z.array(MissingRule) }),
    rest: { method: 'GET', path: '/applications/{id}/alert-rules' },
  }),
  'applications.deleteRule': procedure({
    summary: 'Delete a materialised alert rule; the application is non-compliant until it is restored.',
    access: 'write',
    input: z.strictObject({ id: ApplicationId, rule_id: z.string().min(1) }),
    output: z.object({ deleted: MaterialisedRule, restored: MaterialisedRule.nullable() }),
    rest: { method: 'DELETE', path: '/applications/{id}/alert-rules/{rule_id}' },
  }),
  'applications.restoreRules': procedure({
    summary: 'Recreate required alert rules that were deleted from an application.',
    access: 'write',
    input: z.strictObject({ id: ApplicationId, requirement: MetricKey.optional() }),
    output: z.object({ restored: z.array(MaterialisedRule) }),
    rest: { method: 'POST', path: '/applications/{id}/alert-rules/restore' },
  }),
}
