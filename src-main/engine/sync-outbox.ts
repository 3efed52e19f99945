/**
 * A connected desktop's changes as commands for its server. A call made in a connected workspace
 * runs inside an outbox scope; the first write transaction it makes records the command beside its
 * change (EngineContext.mutate), so the change and the command to send commit or roll back together.
 * A call that is this desktop's own business (a sync setting, a report export) runs as local-only
 * instead: its audit events take ids below zero, which the server's never use (audit-trail.ts).
 */
import { AsyncLocalStorage } from 'node:async_hooks'
import type { Actor } from '../../src-shared/domain/common'
import type { Tx } from './db/schema'

export interface OutboxCommand {
  commandId: string
  procedure: string
  /** The call's parsed input, ids the desktop chose filled in: what the server is sent. */
  input: unknown
  actor: Actor
  madeAt: string
  /** The records it changes here, as "table:id" (sync/command-records.ts). */
  records: string[]
}

type Scope = { kind: 'command'; command: OutboxCommand; recorded: boolean } | { kind: 'local' }

const scope = new AsyncLocalStorage<Scope>()

/** Runs `call` as a command for the server: its first write records it in the outbox. */
export async function runAsOutboxCommand<T>(command: OutboxCommand, call: () => Promise<T>): Promise<{ value: T; recorded: boolean }> {
  const current: Scope = { kind: 'command', command, recorded: false }
  const value = await scope.run(current, call)
  return { value, recorded: current.recorded }
}

/** Runs `call` as this desktop's own business: nothing for the server, its audit events local. */
export function runLocalOnly<T>(call: () => Promise<T>): Promise<T> {
  return scope.run({ kind: 'local' }, call)
}

/** Whether the running call is a connected desktop's local-only one (see runLocalOnly). */
export function isLocalOnlyCall(): boolean {
  return scope.getStore()?.kind === 'local'
}

/** Whether the running call is a command for the server (its events provisional until the server's replace them). */
export function isOutboxCommandCall(): boolean {
  return scope.getStore()?.kind === 'command'
}

/** Runs `work` outside any outbox scope: background work a change sets going is not the change. */
export function outsideOutbox<T>(work: () => T): T {
  return scope.exit(work)
}

/**
 * Inside a write transaction: records the running call's command in the outbox, if it has one not
 * yet recorded. Returns a callback for after the commit.
 */
export async function recordOutboxIn(tx: Tx): Promise<(() => void) | undefined> {
  const current = scope.getStore()
  if (current?.kind !== 'command' || current.recorded) return undefined
  const { command } = current
  await tx
    .insertInto('sync_outbox')
    .values({
      command_id: command.commandId,
      procedure: command.procedure,
      input_json: JSON.stringify(command.input),
      made_at: command.madeAt,
      actor_json: JSON.stringify(command.actor),
      records_json: JSON.stringify(command.records),
    })
    .execute()
  return () => (current.recorded = true)
}
