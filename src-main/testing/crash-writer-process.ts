/**
 * Crash writers as the test sees them: child processes (crash-writer.ts) loaded ahead of their
 * turn, told where to write, and killed with SIGKILL.
 */
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import type { CrashWriterOptions } from './crash-writer'

const ROOT = join(__dirname, '..', '..')
const WRITER = join(__dirname, 'crash-writer.ts')

export interface CrashWriterProcess {
  /** Resolves once the writer has loaded its code and waits for its options. */
  loaded: Promise<void>
  /** Sends the writer its options: it opens the workspace, then writes until it is killed. */
  begin(options: CrashWriterOptions): void
  /** Resolves once the writer has opened the workspace and is about to write. */
  ready: Promise<void>
  /** How it died: 'SIGKILL', or another signal or exit code. */
  exited: Promise<string>
  /** The journal of each of its lanes. */
  journals(): string[]
  stderr(): string
  kill(): void
}

function loadWriter(): CrashWriterProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', WRITER], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] })
  let stderr = ''
  let journals: string[] = []
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  // Writing to a writer that has died (a spare killed before its turn) is no failure.
  child.stdin.on('error', () => undefined)
  const exited = new Promise<string>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? `exit code ${code}`)))
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
  /** Resolves once the writer has said `word` on a line of its own. */
  const saying = (word: string) => {
    const said = new Promise<void>((resolve, reject) => {
      const listen = () => {
        if (!output.split('\n').includes(word)) return
        child.stdout.off('data', listen)
        resolve()
      }
      child.stdout.on('data', listen)
      void exited.then((how) => reject(new Error(`the crash writer stopped before it was ${word} (${how}):\n${stderr}`)))
    })
    // A writer killed before anyone waited for it did nothing wrong.
    said.catch(() => undefined)
    return said
  }
  const loaded = saying('loaded')
  const ready = saying('ready')
  return {
    loaded,
    begin: (options) => {
      journals = options.lanes.map((lane) => lane.journal)
      child.stdin.write(`${JSON.stringify(options)}\n`)
    },
    ready,
    exited,
    journals: () => journals,
    stderr: () => stderr,
    kill: () => child.kill('SIGKILL'),
  }
}

/**
 * Loading a writer (tsx, the engine, the contract) takes most of a second: the next writers are
 * loaded while the current ones run, so a crash costs little more than its writing and checking.
 */
export class CrashWriters {
  private readonly started: CrashWriterProcess[] = []
  private readonly spare: CrashWriterProcess[] = []

  /** `count` writers, with `ahead` more loading for next time. */
  take(count: number, ahead = count): CrashWriterProcess[] {
    while (this.spare.length < count + ahead) {
      const writer = loadWriter()
      this.spare.push(writer)
      this.started.push(writer)
    }
    return this.spare.splice(0, count)
  }

  /** Kills every writer still alive: the spares, and any a failed test left writing. */
  close(): void {
    for (const writer of this.started) writer.kill()
  }
}
