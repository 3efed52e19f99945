/** Starts the real `govern serve` (the built CLI) on a workspace file, as a user would. */
import { spawn, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'

export interface GovernServer {
  loginUrl: string
  origin: string
  stop(): Promise<void>
}

const root = join(__dirname, '..')

/** On `port` when given (a server stopped and started again where its clients expect it), else on any free port. */
export async function startGovernServe(db: string, options: { port?: number } = {}): Promise<GovernServer> {
  const child: ChildProcess = spawn(process.execPath, [join(root, 'bin', 'govern.js'), 'serve', '--db', db, '--port', String(options.port ?? 0)], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const loginUrl = await new Promise<string>((resolve, reject) => {
    let output = ''
    const timer = setTimeout(() => reject(new Error(`govern serve printed no sign-in link:\n${output}`)), 15_000)
    const read = (chunk: Buffer) => {
      output += chunk.toString()
      const match = /(http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/.exec(output)
      if (match?.[1]) {
        clearTimeout(timer)
        resolve(match[1])
      }
    }
    child.stdout!.on('data', read)
    child.stderr!.on('data', read)
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`govern serve exited with ${code}:\n${output}`))
    })
  })
  return {
    loginUrl,
    origin: new URL(loginUrl).origin,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve()
        child.once('exit', () => resolve())
        child.kill('SIGTERM')
      }),
  }
}
