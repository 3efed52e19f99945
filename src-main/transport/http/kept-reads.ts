/**
 * The heavy and the hot reads, answered from kept answers (answer-cache.ts). One application's
 * compliance is kept under that application's own generation, so another application's new data
 * neither evicts it nor makes it wait, and is rebuilt on the request's time when it must be: a few
 * milliseconds. The organisation's answers (its compliance report, the overview) are rebuilt at
 * most once per settled generation, in the background: meanwhile the previous generation's answer
 * is sent, saying so and as of when, unless the request asks for the current one.
 */
import type { Context } from 'hono'
import type { ProcedureName } from '../../../src-shared/api/contract'
import type { CallContext } from '../../engine/context'
import { aboutOneApplication, type Engine } from '../../engine/engine'
import { dispatchSerialized } from '../dispatch'
import { AnswerCache, queryKey, sendCachedAnswer, stampsMoment } from './answer-cache'
import type { HttpEnv } from './request-log'
import { errorResponse } from './error-response'

/** Whether a request will take only a current answer: `Cache-Control: no-cache` (or `max-age=0`), as HTTP caches read it. */
export function wantsCurrentAnswer(c: Context): boolean {
  const asked = (c.req.header('cache-control') ?? '').toLowerCase()
  return /(^|,)\s*(no-cache|max-age\s*=\s*0)\s*(,|$)/.test(asked)
}

export async function answerKept(
  c: Context<HttpEnv>,
  engine: Engine,
  cache: AnswerCache,
  name: string,
  input: Record<string, unknown>,
  call: CallContext,
  options: { waitForCurrent: boolean },
): Promise<Response> {
  const build = () => dispatchSerialized(engine, name, input, call, c.get('failureLog'))
  const key = queryKey(name, input)
  const seen = c.get('generation')
  const application = aboutOneApplication(name as ProcedureName, input)
  if (application !== undefined) {
    const version = await engine.applicationGeneration(application, seen)
    const answered = await cache.answer(version, key, build, stampsMoment(name, input))
    return answered.ok ? sendCachedAnswer(c, answered.answer, engine.nowIso) : errorResponse(c, answered.error)
  }
  const generation = seen ?? (await engine.generation())
  const latest = await cache.latest(key, {
    isCurrent: (version) => version === generation && engine.isSettled(generation),
    waitForCurrent: options.waitForCurrent,
    settle: () => engine.settledGeneration(),
    now: engine.nowIso,
    build,
  })
  if (!latest.ok) return errorResponse(c, latest.error)
  // Which generation the answer was built under, and the moment it began: the body's own as_of,
  // where it has one, says the same.
  if (latest.asOf) c.header('Answer-As-Of', latest.asOf)
  if (latest.version) c.header('Answer-Generation', latest.version)
  if (latest.stale) c.header('Answer-Stale', 'true')
  return sendCachedAnswer(c, latest.answer, engine.nowIso)
}
