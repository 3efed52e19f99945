/**
 * The hand-over to the project's Node (bin/project-node.js), which `govern` and the npm scripts use
 * where the machine's Node is older than 24. Here both sides are this same Node, started for real.
 */
import { spawn, spawnSync } from 'node:child_process'
import { delimiter, dirname, join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { REPO_ROOT } from '../testing/govern-cli'

const PROJECT_NODE = join(REPO_ROOT, 'bin', 'project-node.js')

/** A launcher that hands `args` over to this Node, as bin/govern.js does with the project's. */
function launcherArgs(args: readonly string[]): string[] {
  return ['-e', `require(${JSON.stringify(PROJECT_NODE)}).handOver(process.execPath, ${JSON.stringify(args)})`]
}

describe('the project’s Node', () => {
  it('runs the tests, and every process they start', () => {
    expect(Number(process.versions.node.split('.')[0])).toBeGreaterThanOrEqual(24)
    const child = spawnSync(process.execPath, ['-p', 'process.versions.node'], { encoding: 'utf8' })
    expect(child.stdout.trim()).toBe(process.versions.node)
  })
})

describe('handing a command over to another Node', () => {
  it('gives the child the terminal’s output, that Node first on PATH, and ends with the child’s exit code', () => {
    const run = spawnSync(process.execPath, launcherArgs(['-e', "console.log(process.env.PATH.split(require('node:path').delimiter)[0]); process.exit(7)"]), { encoding: 'utf8' })
    expect(run.status).toBe(7)
    expect(run.stdout.trim()).toBe(dirname(process.execPath))
    expect(run.stdout.includes(delimiter)).toBe(false)
  })

  it('ends by the signal that ended the child', () => {
    const run = spawnSync(process.execPath, launcherArgs(['-e', "process.kill(process.pid, 'SIGKILL')"]), { encoding: 'utf8' })
    expect(run.signal).toBe('SIGKILL')
  })

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`passes ${signal} sent to it on to the child, without a terminal`, async () => {
      const childCode = `process.on('${signal}', () => { console.log('child got ${signal}'); process.exit(0) }); console.log('ready'); setInterval(() => undefined, 1000)`
      const launcher = spawn(process.execPath, launcherArgs(['-e', childCode]), { stdio: ['ignore', 'pipe', 'inherit'] })
      let out = ''
      const ready = new Promise<void>((resolve) =>
        launcher.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString()
          if (out.includes('ready')) resolve()
        }),
      )
      const ended = new Promise<number | null>((resolve) => launcher.once('exit', (code) => resolve(code)))
      await ready
      launcher.kill(signal)
      expect(await ended).toBe(0)
      expect(out).toContain(`child got ${signal}`)
    })
  }
})
