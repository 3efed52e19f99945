/** Messages between the engine and its worker thread. */
import type { ErrorCode } from '../../../src-shared/api/errors'
import type { Actor } from '../../../src-shared/domain/common'
import type { AcceptedWindow } from '../../../src-shared/domain/data-limits'
import type { InferenceFormat } from '../../../src-shared/domain/observations'
import type { InferenceFileData } from '../metrics/inference-file'
import type { GeneratedReport, Progress } from '../reports/report-files'
import type { ReportRequest } from '../reports/report-jobs'

export interface WorkerSetup {
  file: string
  nativeBinding?: string
  lockWaitMs?: number
  webhookTimeoutMs?: number
  webhookAllow?: string[]
  /**
   * The workspace's audit signing key (PKCS#8 PEM), so the worker's own commits are signed as the
   * engine's are, and the folder holding its public halves and newest heads (audit/key-store.ts).
   */
  auditSigning?: { privateKey: string; keyFolder: string }
}

interface Job {
  id: number
  /**
   * The engine's time when it runs on a set clock (tests, replays); otherwise null, and the
   * worker reads its own clock: a full evaluation at the moment it holds the write lock, so
   * nothing committed while it waited falls outside its windows.
   */
  now: string | null
}

export type WorkerJob =
  | (Job & { kind: 'evaluate-everything' })
  | (Job & {
      kind: 'answer'
      /** A read procedure, with its input already checked against the contract. */
      procedure: string
      input: unknown
      actor: Actor
    })
  | (Job & {
      kind: 'report'
      request: ReportRequest
      actor: Pick<Actor, 'id' | 'name'>
      generatedAt: string
    })
  /** An imported file, read as its pieces follow (`FilePiece`). */
  | (Job & { kind: 'read-inferences'; format: InferenceFormat; window: AcceptedWindow })

/** The next piece of the file a read-inferences job reads; null when the file has ended. */
export interface FilePiece {
  kind: 'piece'
  id: number
  bytes: Uint8Array | null
}

/** What a full evaluation did: when it evaluated, and how many applications (null: skipped). */
export interface EverythingEvaluated {
  at: string
  applications: number | null
}

export type WorkerReply =
  | { id: number; ok: true; evaluated: EverythingEvaluated }
  | { id: number; ok: true; json: Uint8Array }
  | { id: number; ok: true; report: GeneratedReport }
  | { id: number; ok: true; inferences: InferenceFileData }
  /** Not an answer: how far a report has got. */
  | { id: number; progress: Progress }
  | { id: number; ok: false; code: ErrorCode | null; message: string; field?: string }
