/**
 * Writes too long to hold the workspace's write lock in one go (loading the sample workspace),
 * run as a task of short steps. Each step is one transaction that also saves the task's progress,
 * so another process waits at most one step for its turn, and a crash between steps loses
 * nothing: the task resumes where it stopped, in whichever process opens the workspace next.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import type { Actor } from '../../src-shared/domain/common'
import type { Area, EngineContext } from './context'
import type { Db, Tx } from './db/schema'
import { LOCK_POLL_MAX_MS } from './db/write-lock'
import { newId } from './ids'

/** How long one step may hold the write lock; a step stops taking more work once past it. */
export const STEP_BUDGET_MS = 200

/**
 * How long the lock is left free between steps. A write waiting for it elsewhere (another
 * process, or the worker thread) tries again at least this often (write-lock.ts), so it gets its
 * turn after the step under way; the pause also lets this process answer what came in meanwhile.
 */
export const STEP_GAP_MS = LOCK_POLL_MAX_MS + 5

/** How far a task has got, in pieces of its work, and what it is doing now, in words. */
export interface TaskProgress {
  done: number
  total: number
  activity: string
}

export interface TaskKind<State> {
  kind: string
  /** What the task writes: announced once, when it finishes (see finishTask). */
  areas: Area[]
  /**
   * One step: some of the work, in `tx`, within `deadline` (a performance.now() value); returns
   * the state to carry on from, or `done` when the task is finished.
   */
  step(tx: Tx, state: State, task: { actor: Actor; deadline: number; now: string }): Promise<State | 'done'>
  /** Where a task in `state` has got to. */
  progress(state: State): TaskProgress
}

/**
 * A task's steps are announced as a change of 'workspace' only (its progress, see taskProgress),
 * and the areas it writes once it has finished: until then it is half a change, which screens
 * would refresh for nothing and the evaluator must not read (see taskUnderWay).
 */
const PROGRESS_ONLY: Area[] = ['workspace']

/**
 * Starts a task whose first step is `begin`, written with its initial state in one transaction.
 * `answer` is what the call starting the task answers, returned by that transaction: a call sent
 * as a command keeps its answer with its first change (commands/applied-commands.ts), and a
 * retry of it finds the task under way, which resumes after a crash.
 */
export async function startTask<State, Answer>(engine: EngineContext, actor: Actor, kind: TaskKind<State>, begin: (tx: Tx) => Promise<State>, answer: Answer): Promise<{ id: string; answer: Answer }> {
  const id = newId('task')
  const answered = await engine.mutate(PROGRESS_ONLY, async (tx) => {
    const state = await begin(tx)
    await tx
      .insertInto('resumable_tasks')
      .values({ id, kind: kind.kind, state_json: JSON.stringify(state), actor_json: JSON.stringify(actor), started_at: engine.nowIso(), finished_at: null })
      .execute()
    return answer
  })
  return { id, answer: answered }
}

/** Runs a task's remaining steps until it is finished (by this process or another). */
export async function finishTask<State>(engine: EngineContext, kind: TaskKind<State>, id: string): Promise<void> {
  do {
    // better-sqlite3 answers synchronously, so without a real pause each step would begin within
    // microseconds of the last commit: no other program could take the lock, and this one could
    // answer no request nor send the change notices, until the whole task was done.
    await sleep(STEP_GAP_MS)
  } while (!(await runTaskStep(engine, kind, id)))
}

/** Runs one step of a task, saving its progress with it; true once the task is finished. */
export function runTaskStep<State>(engine: EngineContext, kind: TaskKind<State>, id: string): Promise<boolean> {
  return engine.mutate(
    (finished) => (finished ? kind.areas : PROGRESS_ONLY),
    async (tx) => {
      const row = await tx.selectFrom('resumable_tasks').selectAll().where('id', '=', id).executeTakeFirst()
      if (!row || row.finished_at !== null) return true
      const actor = JSON.parse(row.actor_json) as Actor
      const next = await kind.step(tx, JSON.parse(row.state_json) as State, { actor, deadline: performance.now() + STEP_BUDGET_MS, now: engine.nowIso() })
      await tx
        .updateTable('resumable_tasks')
        .set(next === 'done' ? { finished_at: engine.nowIso() } : { state_json: JSON.stringify(next) })
        .where('id', '=', id)
        .execute()
      return next === 'done'
    },
  )
}

/** Finishes every task a crash (or a closed laptop) left half-way. */
export async function resumeUnfinishedTasks(engine: EngineContext, kinds: ReadonlyArray<TaskKind<unknown>>): Promise<void> {
  const rows = await engine.db.selectFrom('resumable_tasks').select(['id', 'kind']).where('finished_at', 'is', null).orderBy('started_at').execute()
  for (const row of rows) {
    const kind = kinds.find((k) => k.kind === row.kind)
    if (kind) await finishTask(engine, kind, row.id)
  }
}

/**
 * True while a task is under way. Live evaluation waits for it: a task's steps write history
 * that an evaluation at the present moment would misread as half a workspace.
 */
export async function taskUnderWay(db: Db): Promise<boolean> {
  const row = await db.selectFrom('resumable_tasks').select('id').where('finished_at', 'is', null).limit(1).executeTakeFirst()
  return row !== undefined
}

/** How far the unfinished task of this kind has got, as of its last committed step; undefined when none is under way. */
export async function taskProgress<State>(db: Db, kind: TaskKind<State>): Promise<TaskProgress | undefined> {
  const row = await db.selectFrom('resumable_tasks').select('state_json').where('kind', '=', kind.kind).where('finished_at', 'is', null).orderBy('started_at').limit(1).executeTakeFirst()
  return row ? kind.progress(JSON.parse(row.state_json) as State) : undefined
}
