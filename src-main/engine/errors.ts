import type { ApiErrorBody, ErrorCode } from '../../src-shared/api/errors'
import type { EditConflict } from '../../src-shared/domain/conflicts'

/** An error the engine means to show: a code, a message a person can act on, the field at fault. */
export class EngineError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message)
    this.name = 'EngineError'
  }

  toBody(): ApiErrorBody {
    return { error: this.code, message: this.message, ...(this.field ? { field: this.field } : {}) }
  }
}

/** A stale edit refused: the 409 carries both sides, so the person can choose. */
export class EditConflictError extends EngineError {
  constructor(
    message: string,
    readonly conflict: EditConflict,
  ) {
    super('conflict', message, 'base_version')
  }

  override toBody(): ApiErrorBody {
    return { ...super.toBody(), conflict: this.conflict }
  }
}

export function notFound(what: string, id: string, field = 'id'): EngineError {
  return new EngineError('not_found', `No ${what} with id ${id}`, field)
}

export type WorkspaceErrorReason = 'no_workspace' | 'not_a_workspace' | 'schema_too_new' | 'schema_mismatch' | 'migration_failed' | 'bad_database_url' | 'cannot_connect' | 'audit_key_unavailable'

/** Refusal to open a workspace (a file, or a PostgreSQL database); it is left exactly as it was. */
export class WorkspaceError extends Error {
  constructor(
    readonly reason: WorkspaceErrorReason,
    message: string,
  ) {
    super(message)
    this.name = 'WorkspaceError'
  }
}
