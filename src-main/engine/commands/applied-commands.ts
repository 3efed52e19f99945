/**
 * Changes applied once, answer included. A call carrying a command id (an HTTP Idempotency-Key)
 * runs inside a command scope; the first write transaction it makes records the id together with
 * the call's answer, under the write lock, so the change and its answer commit together (as
 * Stripe's idempotency keys do). A second call with the same id (a retry after a lost answer or a
 * crash, or two sent at once) finds it and is answered as the first call was, changing nothing.
 */
import { AsyncLocalStorage } from 'node:async_hooks'
import { createHash } from 'node:crypto'
import { contract, type ProcedureName } from '../../../src-shared/api/contract'
import type { Db, Tx } from '../db/schema'
import { EngineError } from '../errors'

export interface Command {
  /** The id its sender chose. */
  id: string
  actorId: string
  procedure: ProcedureName
  /** SHA-256 of the procedure and its parsed input: the same id sent with another request is refused. */
  requestSha256: string
  /**
   * The call's answer, made of the result of the transaction that records the command: the
   * contract's output, parsed. It runs inside that transaction, so it is kept with the change.
   */
  answerOf(result: unknown): unknown
}

interface CommandScope {
  command: Command
  /** Whether a committed transaction of this call has recorded the command. */
  recorded: boolean
  /** The answer recorded with it, as kept. */
  kept?: string
}

export interface AppliedCommand {
  procedure: string
  request_sha256: string
  applied_at: string
  /** Null only in rows of versions that kept the answer after the change's commit, and lost it to a crash. */
  answer_json: string | null
}

/**
 * Calls besides reads and exports whose repeat is answered anew, the key they carry not kept:
 * what they answer is of a moment, not of a change made once. An evaluation asked for is worked
 * out again; sync's settings answer how sync stands now; the token list is a read only admins may
 * make. Staging an import in parts records no command: a part is numbered, so one sent twice is
 * refused as out of order, and the commit is applied once.
 */
const ANSWERED_ANEW: ReadonlySet<ProcedureName> = new Set<ProcedureName>([
  'compliance.evaluate',
  'sync.connect',
  'sync.disconnect',
  'sync.resolve',
  'tokens.list',
  'inferences.begin',
  'inferences.append',
  'inferences.cancel',
])

/**
 * Whether a call sent with a command id is applied once, its answer kept: a change. A read is
 * answered anew each time, and so is an export (it reads again, and records that it did; a report
 * job lives in the memory of the process running it), and the calls of ANSWERED_ANEW.
 */
export function appliedOnce(procedure: ProcedureName): boolean {
  const { access } = contract[procedure]
  return access !== 'read' && access !== 'export' && !ANSWERED_ANEW.has(procedure)
}

/**
 * Answers carrying a secret shown once (a new API token's): kept without it, as secrets are only
 * ever stored hashed. A repeat of such a call cannot be answered as the first was, and says so.
 */
const SECRET_IN_ANSWER: Partial<Record<ProcedureName, string>> = { 'tokens.create': 'secret' }

const scope = new AsyncLocalStorage<CommandScope>()

export function commandRequestSha256(procedure: string, input: unknown): string {
  return createHash('sha256').update(JSON.stringify([procedure, input])).digest('hex')
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

/** A command to be recorded in the write transaction it was claimed in, once its work has a result. */
export interface CommandClaim {
  /** Records the command with its answer made of `result`; returns a callback for after the commit. */
  keep(at: string, result: unknown): Promise<() => void>
}

/**
 * Inside a write transaction, before its work: the running call's command, if it has one not yet
 * recorded, to record with the work's result; or CommandAlreadyApplied if it was applied before.
 * The write lock is held from here to the commit, so no other call can record it in between.
 */
export async function claimCommandIn(tx: Tx): Promise<CommandClaim | undefined> {
  const current = scope.getStore()
  if (!current || current.recorded) return undefined
  const { command } = current
  const applied = await findAppliedCommand(tx, command.actorId, command.id)
  if (applied) throw new CommandAlreadyApplied(applied)
  return {
    keep: async (at, result) => {
      const kept = keptAnswer(command.procedure, command.answerOf(result))
      await tx
        .insertInto('applied_commands')
        .values({ actor_id: command.actorId, id: command.id, procedure: command.procedure, request_sha256: command.requestSha256, applied_at: at, answer_json: kept })
        .execute()
      return () => {
        current.recorded = true
        current.kept = kept
      }
    },
  }
}

export function findAppliedCommand(db: Db, actorId: string, id: string): Promise<AppliedCommand | undefined> {
  return db.selectFrom('applied_commands').select(['procedure', 'request_sha256', 'applied_at', 'answer_json']).where('actor_id', '=', actorId).where('id', '=', id).executeTakeFirst()
}

/** The answer as kept: its JSON, without a secret it carries. */
function keptAnswer(procedure: ProcedureName, answer: unknown): string {
  const secret = SECRET_IN_ANSWER[procedure]
  return JSON.stringify(secret ? { ...(answer as Record<string, unknown>), [secret]: null } : answer)
}

/** The first call's answer, for a repeat of the same command; a refusal if the id was used for another request. */
function firstAnswer(applied: AppliedCommand, command: Command): unknown {
  if (applied.procedure !== command.procedure || applied.request_sha256 !== command.requestSha256) {
    throw new EngineError('invalid_input', `Idempotency-Key ${command.id} was already used, at ${applied.applied_at}, for another request (${applied.procedure}); use a new key for a new change`, 'Idempotency-Key')
  }
  if (applied.answer_json === null) {
    throw new EngineError('conflict', `The change with Idempotency-Key ${command.id} was applied at ${applied.applied_at}, by an earlier version of the console that did not keep its answer; it is not applied again`, 'Idempotency-Key')
  }
  const answer = JSON.parse(applied.answer_json) as unknown
  if (SECRET_IN_ANSWER[command.procedure]) {
    const { token } = answer as { token?: { id?: string } }
    throw new EngineError(
      'conflict',
      `The API token with Idempotency-Key ${command.id} was created at ${applied.applied_at} (${token?.id ?? 'its id unknown'}); its secret is shown only once and was not kept. Revoke that token and create another`,
      'Idempotency-Key',
    )
  }
  return answer
}

export interface CommandOutcome {
  value: unknown
  /** The command had been applied before: this is the first call's answer, and nothing changed now. */
  replayed: boolean
}

/**
 * Runs `call` once for the command. Its answer is recorded in the transaction of its first change
 * (EngineContext.mutate), so whenever that commits, a repeat gets the answer: no moment exists in
 * which the change is applied and its answer not kept.
 */
export async function applyOnce(db: Db, command: Command, call: () => Promise<unknown>): Promise<CommandOutcome> {
  const prior = await findAppliedCommand(db, command.actorId, command.id)
  if (prior) return { value: firstAnswer(prior, command), replayed: true }
  const current: CommandScope = { command, recorded: false }
  try {
    const value = await scope.run(current, call)
    // A handler that shapes its answer after its transaction would answer a repeat otherwise: a fault to fix there.
    if (current.kept !== undefined && keptAnswer(command.procedure, command.answerOf(value)) !== current.kept) {
      throw new Error(`${command.procedure} answered otherwise than the answer kept with its change: its answer must be made inside its transaction`)
    }
    return { value, replayed: false }
  } catch (error) {
    if (!(error instanceof CommandAlreadyApplied)) throw error
    // Sent twice at once: the other call's change committed first, and its answer with it.
    return { value: firstAnswer(error.applied, command), replayed: true }
  }
}
