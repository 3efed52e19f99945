/** Messages between the engine and its evaluation worker thread. */
import type { ErrorCode } from '../../../src-shared/api/errors'

export interface WorkerSetup {
  file: string
  nativeBinding?: string
  lockWaitMs?: number
}

export interface EvaluateEverything {
  id: number
  /**
   * The evaluation's moment when the engine runs on a set clock (tests, replays); otherwise null,
   * and the worker evaluates at the moment it holds the write lock, so nothing committed while it
   * waited falls outside its windows.
   */
  at: string | null
}

/** What a full evaluation did: when it evaluated, and how many applications (null: skipped). */
export interface EverythingEvaluated {
  at: string
  applications: number | null
}

export type WorkerReply = ({ id: number; ok: true } & EverythingEvaluated) | { id: number; ok: false; code: ErrorCode | null; message: string }
