/**
 * The one door into the engine for every transport: checks the procedure exists and the caller
 * may use it, parses the untrusted input against the contract, runs the handler, and turns every
 * failure into an error value. Nothing unparsed reaches the engine; no stack trace leaves it.
 */
import { contract, isProcedureName, type ProcedureName } from '../../src-shared/api/contract'
import { errorFromZod, type ApiErrorBody, type Result } from '../../src-shared/api/errors'
import { loneSurrogateError } from '../../src-shared/api/unicode-text'
import { WRITING_ROLES } from '../../src-shared/domain/common'
import type { CallContext } from '../engine/context'
import type { Engine } from '../engine/engine'
import { EngineError } from '../engine/errors'
import type { Handler } from '../engine/handlers'

export type Logger = (message: string, error?: unknown) => void

const defaultLogger: Logger = (message, error) => console.error(message, error)

export async function dispatch(
  engine: Engine,
  name: unknown,
  rawInput: unknown,
  ctx: CallContext,
  log: Logger = defaultLogger,
): Promise<Result<unknown>> {
  if (!isProcedureName(name)) {
    return { ok: false, error: { error: 'unknown_procedure', message: `Unknown procedure ${JSON.stringify(name)}` } }
  }
  const procedure = contract[name]
  if (procedure.access === 'write' && !WRITING_ROLES.has(ctx.actor.role)) {
    return {
      ok: false,
      error: { error: 'forbidden', message: `The ${ctx.actor.role} role cannot ${procedure.summary.toLowerCase()}` },
    }
  }
  const badText = loneSurrogateError(rawInput)
  if (badText) return { ok: false, error: badText }
  const parsed = procedure.input.safeParse(rawInput ?? {})
  if (!parsed.success) return { ok: false, error: errorFromZod(parsed.error) }
  try {
    const handler = engine.handlers[name] as Handler<ProcedureName>
    const value = await handler(parsed.data as never, ctx)
    return { ok: true, value: procedure.output.parse(value) }
  } catch (error) {
    if (error instanceof EngineError) return { ok: false, error: error.toBody() }
    log(`Procedure ${name} failed`, error)
    if (isUniquenessViolation(error)) return { ok: false, error: TAKEN }
    return { ok: false, error: { error: 'internal', message: 'The console hit an unexpected error; it has been logged.' } }
  }
}

/**
 * A uniqueness index refused a write the engine's own checks let through: still a conflict for
 * the caller, not a failure of the console (and logged above, as the check it slipped past needs
 * fixing).
 */
const TAKEN: ApiErrorBody = { error: 'conflict', message: 'A name or id in this request is already taken.' }

function isUniquenessViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
}
