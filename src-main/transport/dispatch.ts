/**
 * The one door into the engine for every transport: checks the procedure exists and the caller
 * may use it, parses the untrusted input against the contract, runs the handler, and turns every
 * failure into an error value. Nothing unparsed reaches the engine; no stack trace leaves it.
 */
import { contract, isProcedureName, type ProcedureName } from '../../src-shared/api/contract'
import { errorFromZod, type ApiErrorBody, type Result } from '../../src-shared/api/errors'
import { loneSurrogateError } from '../../src-shared/api/unicode-text'
import { mayCall, refusalMessage } from '../../src-shared/api/access'
import type { Actor } from '../../src-shared/domain/common'
import { appliedOnce, commandRequestSha256, type Command } from '../engine/commands/applied-commands'
import type { CallContext } from '../engine/context'
import { isSqliteBusy, workspaceBusy } from '../engine/db/write-lock'
import type { Engine } from '../engine/engine'
import { EngineError } from '../engine/errors'
import type { Handler } from '../engine/handlers'

export type Logger = (message: string, error?: unknown) => void

const defaultLogger: Logger = (message, error) => console.error(message, error)

/**
 * Whether `actor` may call `name` at all: transports ask before reading a byte of a request's
 * body, so a caller who may not write cannot make the server read (or hold) a large one.
 */
export function authorize(name: unknown, actor: Actor): ApiErrorBody | undefined {
  if (!isProcedureName(name)) return { error: 'unknown_procedure', message: `Unknown procedure ${JSON.stringify(name)}` }
  const procedure = contract[name]
  if (!mayCall(actor.role, procedure.access)) {
    return { error: 'forbidden', message: refusalMessage(actor.role, name, procedure.access) }
  }
  return undefined
}

/** The call checked and its input parsed against the contract, or the error value saying why not. */
function admit(name: unknown, rawInput: unknown, actor: Actor): { ok: true; name: ProcedureName; input: unknown } | { ok: false; error: ApiErrorBody } {
  const refused = authorize(name, actor)
  if (refused || !isProcedureName(name)) return { ok: false, error: refused ?? { error: 'unknown_procedure', message: 'Unknown procedure' } }
  // Text a database would store altered or refuse (a lone surrogate, a NUL) is refused before parsing.
  const badText = loneSurrogateError(rawInput)
  if (badText) return { ok: false, error: badText }
  const parsed = contract[name].input.safeParse(rawInput ?? {})
  if (!parsed.success) return { ok: false, error: errorFromZod(parsed.error) }
  return { ok: true, name, input: parsed.data }
}

export async function dispatch(engine: Engine, name: unknown, rawInput: unknown, ctx: CallContext, log: Logger = defaultLogger): Promise<Result<unknown>> {
  const admitted = admit(name, rawInput, ctx.actor)
  if (!admitted.ok) return admitted
  try {
    const handler = engine.handlers[admitted.name] as Handler<ProcedureName>
    const run = () => handler(admitted.input as never, ctx)
    const { output } = contract[admitted.name]
    // Reads have nothing to apply twice; a change sent with an id is applied once, its answer kept with it.
    if (ctx.commandId === undefined || !appliedOnce(admitted.name)) return { ok: true, value: output.parse(await run()) }
    const command: Command = {
      id: ctx.commandId,
      actorId: ctx.actor.id,
      procedure: admitted.name,
      requestSha256: commandRequestSha256(admitted.name, admitted.input),
      answerOf: (result) => output.parse(result),
    }
    const outcome = await engine.applyOnce(command, run)
    return { ok: true, value: output.parse(outcome.value), ...(outcome.replayed ? { replayed: true } : {}) }
  } catch (error) {
    return failure(admitted.name, error, log)
  }
}

/**
 * A read's answer as the JSON bytes a response carries, built by the engine off the request
 * thread where it can: the same checks as `dispatch`, the same errors as values.
 */
export async function dispatchSerialized(engine: Engine, name: unknown, rawInput: unknown, ctx: CallContext, log: Logger = defaultLogger): Promise<Result<Buffer>> {
  const admitted = admit(name, rawInput, ctx.actor)
  if (!admitted.ok) return admitted
  try {
    return { ok: true, value: await engine.serializedAnswer(admitted.name, admitted.input, ctx) }
  } catch (error) {
    return failure(admitted.name, error, log)
  }
}

/**
 * A uniqueness index refused a write the engine's own checks let through: still a conflict for
 * the caller, not a failure of the console (and logged, as the check it slipped past needs fixing).
 */
const TAKEN: ApiErrorBody = { error: 'conflict', message: 'A name or id in this request is already taken.' }

function isUniquenessViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code
  // PostgreSQL's unique_violation is 23505.
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === '23505'
}

function failure(name: string, error: unknown, log: Logger): { ok: false; error: ApiErrorBody } {
  if (error instanceof EngineError) return { ok: false, error: error.toBody() }
  // A read that met another process's lock recovery, say: worth retrying, not a fault.
  if (isSqliteBusy(error)) return { ok: false, error: workspaceBusy(0).toBody() }
  log(`Procedure ${name} failed`, error)
  if (isUniquenessViolation(error)) return { ok: false, error: TAKEN }
  return { ok: false, error: { error: 'internal', message: 'The console hit an unexpected error; it has been logged.' } }
}
