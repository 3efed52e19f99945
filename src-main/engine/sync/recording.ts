/**
 * Which calls a connected desktop sends its server, and the wrapper that records them. Every
 * handler is wrapped where the handlers are assembled, so IPC, the browser console and the CLI all
 * record alike. Each change the server must make is a command in the outbox (sync-outbox.ts),
 * written in the transaction of its local change; a create gets its id here, before the handler
 * runs, so the desktop's row and the server's share it; an edit gets the version it was made on.
 */
import type { ProcedureName } from '../../../src-shared/api/contract'
import type { CallContext } from '../context'
import type { Db } from '../db/schema'
import { EngineError } from '../errors'
import { newId } from '../ids'
import { runAsOutboxCommand, runLocalOnly } from '../sync-outbox'
import { heldVersion, recordsChanged } from './command-records'

/** Changes the server makes too: sent as the call they were, through the same procedure. */
export const SENT_TO_SERVER: ReadonlySet<ProcedureName> = new Set<ProcedureName>([
  'applications.create',
  'applications.update',
  'applications.retire',
  'applications.reinstate',
  'applications.deleteRule',
  'applications.restoreRules',
  'users.create',
  'users.update',
  'users.deactivate',
  'users.reactivate',
  'groups.create',
  'groups.update',
  'alertRules.create',
  'attestationRules.create',
  'policies.create',
  'policies.createFromTemplate',
  'policies.update',
  'policies.archive',
  'metrics.ingest',
  'inferences.import',
  'attestations.submit',
])

/**
 * Changes that are this desktop's own: its API tokens, its sync settings, reports exported here,
 * imports staged in parts (their commit is sent, as one inferences.import), an evaluation asked
 * for (the server evaluates). Their audit events stay on this desktop (sync-outbox.ts).
 */
export const LOCAL_ONLY: ReadonlySet<ProcedureName> = new Set<ProcedureName>([
  'tokens.create',
  'tokens.revoke',
  'reports.compliance',
  'reports.start',
  'sync.connect',
  'sync.disconnect',
  'sync.resolve',
  'compliance.evaluate',
  'inferences.begin',
  'inferences.append',
  'inferences.cancel',
])

/** Changes a connected desktop refuses, with why. */
export const REFUSED_WHEN_CONNECTED: Partial<Record<ProcedureName, string>> = {
  'workspace.loadSample': 'A workspace connected to a server takes its applications and policies from the server; load the sample there.',
}

/** The creates whose record the sender may name, with the prefix of the id the desktop gives it. */
const CHOSEN_ID_PREFIX: Partial<Record<ProcedureName, string>> = {
  'applications.create': 'app',
  'users.create': 'usr',
  'groups.create': 'grp',
  'alertRules.create': 'ar',
  'attestationRules.create': 'atr',
  'policies.create': 'pol',
  'policies.createFromTemplate': 'pol',
}

export interface Connection {
  /**
   * Whether this workspace has a server its changes are for: while connected, and after a
   * disconnect too (they wait for the same server to be connected again).
   */
  recordsForServer(): boolean
  /** A change was recorded: worth pushing soon. */
  changedLocally(): void
  nowIso(): string
}

type AnyHandler = (input: unknown, ctx: CallContext) => Promise<unknown>

/** The contract's handlers (handlers.ts), each wrapped so a connected desktop records or refuses it. */
export function recordingCommands<H extends Record<ProcedureName, unknown>>(handlers: H, db: Db, connection: Connection): H {
  const wrapped: Record<string, AnyHandler> = { ...(handlers as unknown as Record<string, AnyHandler>) }
  for (const name of Object.keys(handlers) as ProcedureName[]) {
    const handler = handlers[name] as AnyHandler
    if (SENT_TO_SERVER.has(name)) {
      wrapped[name] = async (input, ctx) => {
        if (!connection.recordsForServer()) return handler(input, ctx)
        const prepared = await commandInput(name, input, ctx, db)
        const records = await recordsChanged(db, name, prepared)
        const { value, recorded } = await runAsOutboxCommand(
          { commandId: newId('cmd'), procedure: name, input: prepared, actor: ctx.actor, madeAt: connection.nowIso(), records },
          () => handler(prepared, { ...ctx, upload: undefined }),
        )
        if (recorded) connection.changedLocally()
        return value
      }
    } else if (name === 'inferences.commit') {
      wrapped[name] = async (input, ctx) => {
        if (!connection.recordsForServer()) return handler(input, ctx)
        const command = await importAsOneCommand(db, (input as { import_id: string }).import_id)
        const { value, recorded } = await runAsOutboxCommand({ commandId: newId('cmd'), procedure: 'inferences.import', input: command, actor: ctx.actor, madeAt: connection.nowIso(), records: [] }, () =>
          handler(input, ctx),
        )
        if (recorded) connection.changedLocally()
        return value
      }
    } else if (LOCAL_ONLY.has(name)) {
      wrapped[name] = (input, ctx) => (connection.recordsForServer() ? runLocalOnly(() => handler(input, ctx)) : handler(input, ctx))
    } else if (REFUSED_WHEN_CONNECTED[name]) {
      const reason = REFUSED_WHEN_CONNECTED[name]
      wrapped[name] = (input, ctx) => (connection.recordsForServer() ? Promise.reject(new EngineError('conflict', reason)) : handler(input, ctx))
    }
  }
  return wrapped as unknown as H
}

/**
 * The input as the server is to get it: the desktop's chosen id filled in, a streamed file read in,
 * and an edit (of a policy, an application, a person, a group, a rule) made on the version this
 * desktop holds, so the server refuses it if the record moved on meanwhile rather than apply it
 * over someone else's edit.
 */
async function commandInput(name: ProcedureName, input: unknown, ctx: CallContext, db: Db): Promise<Record<string, unknown>> {
  const fields = { ...(input as Record<string, unknown>) }
  const prefix = CHOSEN_ID_PREFIX[name]
  if (prefix && fields.id === undefined) fields.id = newId(prefix)
  if (fields.base_version === undefined) {
    const held = await heldVersion(db, name, fields)
    if (held !== undefined) fields.base_version = held
  }
  if (name === 'inferences.import' && fields.content === undefined && ctx.upload) {
    // Kept in the outbox to be sent when the server is reachable: a file imported offline is kept whole.
    let content = ''
    const decoder = new TextDecoder()
    for await (const piece of ctx.upload) content += typeof piece === 'string' ? piece : decoder.decode(piece, { stream: true })
    content += decoder.decode()
    fields.content = content
  }
  return fields
}

/** A file staged in parts, as the one inferences.import the server is sent when its commit lands. */
async function importAsOneCommand(db: Db, importId: string): Promise<unknown> {
  const staged = await db.selectFrom('inference_imports').select(['application_id', 'format']).where('id', '=', importId).executeTakeFirst()
  const parts = await db.selectFrom('inference_import_parts').select('text').where('import_id', '=', importId).orderBy('part').execute()
  if (!staged || parts.length === 0) return { import_id: importId }
  const content = parts.map((part) => (part.text.endsWith('\n') ? part.text : `${part.text}\n`)).join('')
  return { id: staged.application_id, format: staged.format, content }
}

