import { z } from 'zod'
import { Application, ApplicationDraft, ApplicationFilter, ApplicationId, ApplicationPatch } from '../domain/application'
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
    input: z.object({ id: ApplicationId }),
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
}
