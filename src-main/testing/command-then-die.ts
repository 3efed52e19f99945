/**
 * For the idempotency crash test: a process that applies one change sent as a command, through
 * dispatch as a server does, and kills itself with SIGKILL the moment the change commits (its
 * announcement comes straight after the commit), before the call returns or answers anyone.
 *
 *   node --import tsx src-main/testing/command-then-die.ts <workspace> <token secret> <procedure> <idempotency key> <input JSON>
 *
 * It exits 3 if the call ends without committing anything, saying how on stderr.
 */
import { openEngine } from '../engine/engine'
import { dispatch } from '../transport/dispatch'

async function main(): Promise<void> {
  const [location, secret, procedure, key, input] = process.argv.slice(2) as [string, string, string, string, string]
  const engine = await openEngine(location)
  const actor = await engine.authenticate(secret)
  if (!actor) throw new Error('the token is not known in this workspace')
  engine.onChange(() => process.kill(process.pid, 'SIGKILL'))
  const result = await dispatch(engine, procedure, JSON.parse(input), { actor, commandId: key })
  process.stderr.write(`the call ended without a commit: ${JSON.stringify(result)}\n`)
  process.exit(3)
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`)
  process.exit(2)
})
