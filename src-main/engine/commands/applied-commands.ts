/**
 * Changes applied once. A call carrying a command id (an HTTP Idempotency-Key) runs inside a
 * command scope; the first write transaction it makes records the id alongside its change, under
 * the write lock, so a second call with the same id (a retry whose answer was lost, or two sent at
 * once) finds it and is answered with the first call's answer instead of changing anything again.
 */
import { AsyncLocalStorage } from 'node:async_hooks'
import { createHash } from 'node:crypto'
import type { Db, Tx } from '../db/schema'
import { EngineError } from '../errors'

export interface Command {
  /** The id its sender chose. */
  id: string
  actorId: string
  procedure: string
  /** SHA-256 of the procedure and its parsed input: the same id sent with another request is refused. */
  requestSha256: string
}

interface CommandScope extends Command {
  /** Whether a committed transaction of this call has recorded the command. */
  recorded: boolean
}

export interface AppliedCommand {
  procedure: string
  request_sha256: string
  applied_at: string
  answer_json: string | null
}

const scope = new AsyncLocalStorage<CommandScope>()

export function commandRequestSha256(procedure: string, input: unknown): string {
  return createHash('sha256').update(JSON.stringify([procedure, input])).digest('hex')
}

/** Runs `call` as the command: its first write records it (see `recordCommandIn`). */
export function runAsCommand<T>(command: Command, call: () => Promise<T>): Promise<{ value: T; recorded: boolean }> {
  const current: CommandScope = { ...command, recorded: false }
  return scope.run(current, async () => ({ value: await call(), recorded: current.recorded }))
}

/** Runs `work` outside any command: what a change sets going (announcements, background evaluation) is not the change. */
export function outsideCommand<T>(work: () => T): T {
  return scope.exit(work)
}

/** Thrown inside a write when the command is already applied: the transaction rolls back, changing nothing. */
export class CommandAlreadyApplied extends Error {
  constructor(readonly applied: AppliedCommand) {
    super('command already applied')
  }
}

/**
 * Inside a write transaction: records the call's command, if it has one not yet recorded, or
 * throws CommandAlreadyApplied if it was applied before. Returns a callback for after the commit.
 */
export async function recordCommandIn(tx: Tx, at: string): Promise<(() => void) | undefined> {
  const current = scope.getStore()
  if (!current || current.recorded) return undefined
  const applied = await findAppliedCommand(tx, current.actorId, current.id)
  if (applied) throw new CommandAlreadyApplied(applied)
  await tx
    .insertInto('applied_commands')
    .values({ actor_id: current.actorId, id: current.id, procedure: current.procedure, request_sha256: current.requestSha256, applied_at: at, answer_json: null })
    .execute()
  return () => (current.recorded = true)
}

export function findAppliedCommand(db: Db, actorId: string, id: string): Promise<AppliedCommand | undefined> {
  return db.selectFrom('applied_commands').select(['procedure', 'request_sha256', 'applied_at', 'answer_json']).where('actor_id', '=', actorId).where('id', '=', id).executeTakeFirst()
}

/** The first call's answer, for a repeat of the same command; a refusal if the id was used for another request. */
export function answerOf(applied: AppliedCommand, command: Command): unknown {
  if (applied.procedure !== command.procedure || applied.request_sha256 !== command.requestSha256) {
    throw new EngineError('invalid_input', `Idempotency-Key ${command.id} was already used, at ${applied.applied_at}, for another request (${applied.procedure}); use a new key for a new change`, 'Idempotency-Key')
  }
  if (applied.answer_json === null) {
    throw new EngineError('conflict', `The change with Idempotency-Key ${command.id} was applied at ${applied.applied_at}; its answer was not kept, and it is not applied again`, 'Idempotency-Key')
  }
  return JSON.parse(applied.answer_json) as unknown
}

/** How long a repeat sent at the same moment as the first waits for the first's answer to be kept. */
const ANSWER_WAIT_MS = 2_000

export interface CommandOutcome {
  value: unknown
  /** The command had been applied before: this is the first call's answer, and nothing changed now. */
  replayed: boolean
}

/**
 * Runs `call` once for the command. Its answer is kept after the change commits (bookkeeping: a
 * process stopping in between leaves the change applied and only its answer missing).
 */
export async function applyOnce(db: Db, bookkeep: (work: (tx: Tx) => Promise<unknown>) => Promise<unknown>, command: Command, call: () => Promise<unknown>): Promise<CommandOutcome> {
  const prior = await findAppliedCommand(db, command.actorId, command.id)
  if (prior) return { value: answerOf(prior, command), replayed: true }
  try {
    const { value, recorded } = await runAsCommand(command, call)
    if (recorded) {
      await bookkeep((tx) => tx.updateTable('applied_commands').set({ answer_json: JSON.stringify(value) }).where('actor_id', '=', command.actorId).where('id', '=', command.id).execute())
    }
    return { value, replayed: false }
  } catch (error) {
    if (!(error instanceof CommandAlreadyApplied)) throw error
    // Sent twice at once: the other call holds the change; its answer follows its commit.
    const deadline = Date.now() + ANSWER_WAIT_MS
    let applied = error.applied
    while (applied.answer_json === null && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20))
      applied = (await findAppliedCommand(db, command.actorId, command.id)) ?? applied
    }
    return { value: answerOf(applied, command), replayed: true }
  }
}
