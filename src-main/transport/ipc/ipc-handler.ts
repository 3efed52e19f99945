/**
 * The Electron IPC adapter, kept free of Electron imports so it is tested like any other
 * module: every call must come from the console's own frame, and goes through dispatch.
 */
import type { Result } from '../../../src-shared/api/errors'
import type { Actor } from '../../../src-shared/domain/common'
import type { Engine } from '../../engine/engine'
import { dispatch, type Logger } from '../dispatch'

/** The part of Electron's IpcMainInvokeEvent this adapter reads. */
export interface InvokeEvent {
  senderFrame: { url: string } | null
}

export function createIpcHandler(options: {
  engine: Engine
  /** Who the desktop acts as: the workspace owner, read afresh so a rename shows at once. */
  actor: () => Promise<Actor>
  isTrustedUrl: (url: string) => boolean
  log?: Logger
}): (event: InvokeEvent, procedure: unknown, input: unknown) => Promise<Result<unknown>> {
  return async (event, procedure, input) => {
    const url = event.senderFrame?.url
    if (!url || !options.isTrustedUrl(url)) {
      return { ok: false, error: { error: 'forbidden', message: 'Calls are only accepted from the console window.' } }
    }
    return dispatch(options.engine, procedure, input, { actor: await options.actor() }, options.log)
  }
}
