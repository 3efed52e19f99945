/**
 * For the SIGKILL sync property test: a desktop as a process of its own, the engine on its SQLite
 * file with its token in a file beside it, syncing through its real sync client. The test kills it
 * with SIGKILL wherever it likes and opens another on the same file.
 *
 *   node --import tsx src-main/testing/sync-desktop-process.ts
 *
 * It says `loaded` once its code is loaded, then reads lines on stdin: first the workspace file,
 * as JSON `{"file": "…"}` (it says `ready` once the workspace is open), then calls
 * `{"id": 1, "procedure": "sync.now", "input": {}}`, each answered on stdout by a line
 * `{"id": 1, "ok": true, "value": …}` or `{"id": 1, "ok": false, "error": …}`. The procedure
 * `outbox.newest` answers the command id of the change last recorded for the server.
 */
import { createInterface } from 'node:readline'
import { openEngineParts, type EngineParts } from '../engine/engine'
import { FileCredentialStore } from '../engine/sync/file-credentials'
import { dispatch } from '../transport/dispatch'
import { asOwner } from './workspace'

interface Call {
  id: number
  procedure: string
  input: unknown
}

/** Small pages, so a pull takes several requests and can be killed between them. */
const PAGE_SIZE = 50

async function answer(parts: EngineParts, call: Call): Promise<unknown> {
  if (call.procedure === 'outbox.newest') {
    const newest = await parts.context.db.selectFrom('sync_outbox').select('command_id').orderBy('position', 'desc').limit(1).executeTakeFirst()
    return { ok: true, value: newest?.command_id ?? null }
  }
  return dispatch(parts.engine, call.procedure, call.input, asOwner)
}

async function main(): Promise<void> {
  const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]()
  process.stdout.write('loaded\n')
  const first = await lines.next()
  if (first.done) return
  const { file } = JSON.parse(first.value) as { file: string }
  const parts = await openEngineParts(file, { credentials: new FileCredentialStore(`${file}.token.json`), syncTuning: { pageSize: PAGE_SIZE } })
  process.stdout.write('ready\n')
  // One call at a time, as the test sends them: each answered before the next is read.
  for (let line = await lines.next(); !line.done; line = await lines.next()) {
    const call = JSON.parse(line.value) as Call
    const result = (await answer(parts, call)) as Record<string, unknown>
    process.stdout.write(`${JSON.stringify({ id: call.id, ...result })}\n`)
  }
  await parts.engine.close()
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
  process.exit(2)
})
