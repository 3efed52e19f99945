import { z } from 'zod'
import { Application, ApplicationDraft, ApplicationId, ApplicationListFilter, ApplicationPatch } from '../domain/application'
import { DryRun } from '../domain/common'
import { ApplicationReinstatement, ApplicationRetirement } from '../domain/lifecycle'
import { MetricKey } from '../domain/metrics'
import { MaterialisedRule, MissingRule } from '../domain/policy'
import { procedure } from './procedure'

export const applicationsApi = {
  'applications.list': procedure({
    summary: 'List applications, optionally filtered by text, tag, team or environment; active ones unless status says retired or all.',
    access: 'read',
    input: ApplicationListFilter,
    output: z.object({ applications: z.array(Application) }),
    rest: { method: 'GET', path: '/applications' },
  }),
  'applications.get': procedure({
    summary: 'One application by id, retired ones included (with retired_at).',
    access: 'read',
    input: z.strictObject({ id: ApplicationId }),
    output: Application,
    rest: { method: 'GET', path: '/applications/{id}' },
  }),
  'applications.create': procedure({
    summary: 'Register an application: name, tags, team, environment.',
    access: 'manage',
    input: ApplicationDraft,
    output: Application,
    rest: { method: 'POST', path: '/applications', status: 201 },
  }),
  'applications.update': procedure({
    summary: 'Change an application’s name, tags, team or environment. With base_version, refused (409, both sides in `conflict`) if it changed since that version.',
    access: 'manage',
    input: ApplicationPatch,
    output: Application,
    rest: { method: 'PATCH', path: '/applications/{id}' },
  }),
  'applications.retire': procedure({
    summary:
      'Retire an application: from now on no policy covers it, its materialised rules are removed and compliance leaves it out; its history stays. With dry_run, the consequences and nothing written.',
    access: 'manage',
    input: z.strictObject({ id: ApplicationId, dry_run: DryRun }),
    output: ApplicationRetirement,
    rest: { method: 'DELETE', path: '/applications/{id}' },
  }),
  'applications.reinstate': procedure({
    summary: 'Bring a retired application back: the policies it had cover it again as they stood, with their rules materialised anew.',
    access: 'manage',
    input: z.strictObject({ id: ApplicationId }),
    output: ApplicationReinstatement,
    rest: { method: 'POST', path: '/applications/{id}/reinstate' },
  }),
  'applications.rules': procedure({
    summary: 'The alert rules policies have materialised on an application, and any required ones that are missing.',
    access: 'read',
    input: z.strictObject({ id: ApplicationId }),
    output: z.object({ alert_rules: z.array(MaterialisedRule), missing: z.array(MissingRule) }),
    rest: { method: 'GET', path: '/applications/{id}/alert-rules' },
  }),
  'applications.deleteRule': procedure({
    summary: 'Delete a materialised alert rule; the application is non-compliant until it is restored. With base_version, refused (409) if the rule changed since that version.',
    access: 'manage',
    // base_version comes in the query string of a DELETE, as text.
    input: z.strictObject({ id: ApplicationId, rule_id: z.string().min(1), base_version: z.coerce.number().int().min(1).optional() }),
    output: z.object({ deleted: MaterialisedRule, restored: MaterialisedRule.nullable() }),
    rest: { method: 'DELETE', path: '/applications/{id}/alert-rules/{rule_id}' },
  }),
  'applications.restoreRules': procedure({
    summary: 'Recreate required alert rules that were deleted from an application.',
    access: 'manage',
    input: z.strictObject({ id: ApplicationId, requirement: MetricKey.optional() }),
    output: z.object({ restored: z.array(MaterialisedRule) }),
    rest: { method: 'POST', path: '/applications/{id}/alert-rules/restore' },
  }),
}
