/**
 * The log of signed heads beside a workspace file (`<workspace>.audit-heads.jsonl`): one signed
 * checkpoint a line, appended and fsync'd after each commit (audit/head-signing.ts). Someone
 * holding the workspace file alone cannot rewrite it consistently: every line is signed.
 */
import { open } from 'node:fs/promises'
import { SignedCheckpoint } from './checkpoint'

export interface CheckpointLog {
  checkpoints: SignedCheckpoint[]
  /** Lines that are not checkpoints, each named (a last line cut off by a crash is passed over in silence). */
  problems: string[]
}

/** The last lines are enough for the newest heads: what a process opening the workspace reads. */
const TAIL_BYTES = 64 * 1024

export async function readCheckpointLog(file: string, options: { tail?: boolean } = {}): Promise<CheckpointLog> {
  let text: string
  try {
    const handle = await open(file, 'r')
    try {
      const { size } = await handle.stat()
      const start = options.tail ? Math.max(0, size - TAIL_BYTES) : 0
      const buffer = Buffer.alloc(size - start)
      await handle.read(buffer, 0, buffer.length, start)
      text = buffer.toString('utf8')
      // A tail starts part-way through a line: that line is the one before the tail's.
      if (start > 0) text = text.slice(text.indexOf('\n') + 1)
    } finally {
      await handle.close()
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { checkpoints: [], problems: [] }
    throw error
  }
  const lines = text.split('\n')
  // The last append may have been cut off by a crash: only a line with its line break is whole.
  lines.pop()
  const checkpoints: SignedCheckpoint[] = []
  const problems: string[] = []
  for (const [index, line] of lines.entries()) {
    if (line.trim() === '') continue
    let parsed: ReturnType<typeof SignedCheckpoint.safeParse>
    try {
      parsed = SignedCheckpoint.safeParse(JSON.parse(line))
    } catch {
      problems.push(`line ${index + 1} of ${file} is not JSON`)
      continue
    }
    if (parsed.success) checkpoints.push(parsed.data)
    else problems.push(`line ${index + 1} of ${file} is not a signed checkpoint`)
  }
  return { checkpoints, problems }
}
