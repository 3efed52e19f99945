/** The contract implemented: one handler per procedure, each a thin call into an engine service. */
import type { Contract, ProcedureName } from '../../src-shared/api/contract'
import type { OutputOf, ParsedInputOf } from '../../src-shared/api/procedure'
import { createApplication, countApplications, getApplication, listApplications, updateApplication } from './applications/applications'
import { listAuditEvents } from './audit/audit'
import type { CallContext, EngineContext } from './context'
import { loadSampleWorkspace } from './workspace/sample'

export type Handler<K extends ProcedureName> = (
  input: ParsedInputOf<Contract[K]>,
  ctx: CallContext,
) => Promise<OutputOf<Contract[K]>>

export type Handlers = { [K in ProcedureName]: Handler<K> }

export function createHandlers(engine: EngineContext, workspace: { path: string; schemaVersion: string }): Handlers {
  const { db } = engine
  return {
    'applications.list': async (filter) => ({ applications: await listApplications(db, filter) }),
    'applications.get': ({ id }) => getApplication(db, id),
    'applications.create': (draft, ctx) => createApplication(engine, ctx, draft),
    'applications.update': (patch, ctx) => updateApplication(engine, ctx, patch),

    'audit.list': async (filter) => ({ events: await listAuditEvents(db, filter) }),

    'workspace.info': async () => {
      const count = await countApplications(db)
      return { path: workspace.path, schema_version: workspace.schemaVersion, application_count: count, is_empty: count === 0 }
    },
    'workspace.loadSample': (_input, ctx) => loadSampleWorkspace(engine, ctx),
    'session.whoami': async (_input, ctx) => ctx.actor,
  }
}
