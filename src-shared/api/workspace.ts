import { z } from 'zod'
import { Actor } from '../domain/common'
import { procedure } from './procedure'

export const workspaceApi = {
  'workspace.info': procedure({
    summary: 'Which workspace is open, its schema and whether it is still empty.',
    access: 'read',
    input: z.strictObject({}),
    output: z.object({
      path: z.string(),
      schema_version: z.string(),
      application_count: z.number().int(),
      is_empty: z.boolean(),
      /**
       * While the sample workspace is being loaded (by this program or another), how far it has
       * got in pieces of work, and what it is doing in words; null otherwise.
       */
      loading_sample: z.object({ done: z.number().int(), total: z.number().int(), activity: z.string() }).nullable(),
    }),
  }),
  'workspace.loadSample': procedure({
    summary: 'Fill an empty workspace with a realistic sample portfolio to explore the console.',
    access: 'administer',
    input: z.strictObject({}),
    output: z.object({ applications_created: z.number().int() }),
  }),
  'session.whoami': procedure({
    summary: 'The person (or API token) the console is acting as.',
    access: 'read',
    input: z.strictObject({}),
    output: Actor,
    rest: { method: 'GET', path: '/me' },
  }),
}
