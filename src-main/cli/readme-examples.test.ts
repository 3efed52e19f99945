/**
 * README's own examples, run: every `sh` (or `bash`) block of README.md, unless an HTML comment
 * `<!-- readme-examples: skip, why -->` stands just before it, run in order in one shell, so
 * later blocks use what earlier ones set ($TOKEN, $POLICY), against `govern serve` on a new
 * workspace. What the test puts in place of a reader's setting, and nothing more:
 *  - `http://127.0.0.1:4780`, govern serve's default address, is the test server's address;
 *  - the default workspace is the served one (GOVERN_WORKSPACE), as it is for a reader who runs
 *    `npm start` and the examples from the project folder;
 *  - `npx govern` runs `govern` from the source (as the suite's other `govern` tests do: the
 *    project's bin runs the build), and any other `npx` fails: such a block is marked skip;
 *  - `curl` fails on an answer that is not 2xx (`--fail-with-body`), so each example must
 *    succeed, not merely be sent.
 * Files the examples write land in a folder of the test's own.
 */
import { spawn } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { GOVERN_ENTRY, REPO_ROOT } from '../testing/govern-cli'
import { serveWorkspace, type ServerProcess } from '../testing/sync-processes'
import { tempFolder } from '../testing/workspace'

const README_ADDRESS = 'http://127.0.0.1:4780'
const SKIP = /^<!--\s*readme-examples:\s*skip\b/

interface ReadmeBlock {
  /** The README line of its opening fence, from 1. */
  line: number
  language: string
  code: string
  /** Why it is not run, when it is not. */
  skipped?: string
}

/** The fenced code blocks of a Markdown text, each with the marker (if any) on the line before it. */
function readmeBlocks(markdown: string): ReadmeBlock[] {
  const lines = markdown.split('\n')
  const blocks: ReadmeBlock[] = []
  for (let index = 0; index < lines.length; index++) {
    const opening = /^(\s*)```(\w*)\s*$/.exec(lines[index]!)
    if (!opening) continue
    const indent = opening[1]!.length
    const body: string[] = []
    let end = index + 1
    while (end < lines.length && lines[end]!.trim() !== '```') body.push(lines[end++]!.slice(indent))
    const before = lines[index - 1]?.trim() ?? ''
    const skipped = SKIP.test(before) ? before.replace(/^<!--\s*readme-examples:\s*skip,?\s*/, '').replace(/\s*-->$/, '') : undefined
    blocks.push({ line: index + 1, language: opening[2]!, code: body.join('\n'), ...(skipped !== undefined ? { skipped } : {}) })
    index = end
  }
  return blocks
}

const isShell = (block: ReadmeBlock) => block.language === 'sh' || block.language === 'bash'

/** The blocks run as one script: each announces itself on stderr first, so a failure names it. */
function scriptOf(blocks: readonly ReadmeBlock[], url: string): string {
  const tsx = pathToFileURL(join(REPO_ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href
  return [
    'set -euo pipefail',
    `npx() { if [ "$1" = govern ]; then shift; node --import '${tsx}' '${GOVERN_ENTRY}' "$@"; else echo "npx $1 is not run by this test: mark its block skip" >&2; return 127; fi; }`,
    'curl() { command curl --fail-with-body --silent --show-error "$@"; }',
    ...blocks.map((block) => `echo "README.md:${block.line}" >&2\n${block.code.split(README_ADDRESS).join(url)}`),
    'echo "README.md: all run" >&2',
  ].join('\n')
}

describe("README's examples", () => {
  const blocks = readmeBlocks(readFileSync(join(REPO_ROOT, 'README.md'), 'utf8'))

  it('marks each shell block it does not run with a reason', () => {
    const skipped = blocks.filter((block) => isShell(block) && block.skipped !== undefined)
    for (const block of skipped) expect(block.skipped, `README.md:${block.line}`).not.toBe('')
    // Those written as not to be run: the set-up commands, the synopsis, PostgreSQL, serving, generators, benchmarks.
    expect(skipped.map((block) => block.code.trim().split(/\s+/).slice(0, 2).join(' '))).toEqual([
      'npm start',
      'npx govern',
      'createdb --encoding=UTF8',
      'export GOVERN_DATABASE_URL=postgres://governance:PASSWORD@db.internal:5432/governance',
      'npx govern',
      'npx openapi-typescript',
      'npm run',
    ])
  })

  describe('run against govern serve on a new workspace', () => {
    const folder = tempFolder()
    const workspace = folder.path('readme.sqlite')
    let server: ServerProcess
    beforeAll(async () => {
      server = await serveWorkspace(workspace)
    }, 120_000)
    afterAll(async () => {
      await server?.stop()
      folder.remove()
    })

    it('runs every example in order, each to its end with 2xx answers', async () => {
      const examples = blocks.filter((block) => isShell(block) && block.skipped === undefined)
      expect(examples.length).toBeGreaterThanOrEqual(5)
      const { GOVERN_DATABASE_URL: _ignored, TOKEN: _token, POLICY: _policy, GOVERN_URL: _url, ...env } = process.env
      const run = await new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
        const shell = spawn('bash', ['-c', scriptOf(examples, server.url)], { cwd: folder.path('.'), env: { ...env, GOVERN_WORKSPACE: workspace } })
        let out = ''
        let err = ''
        shell.stdout.on('data', (piece: Buffer) => (out += piece.toString()))
        shell.stderr.on('data', (piece: Buffer) => (err += piece.toString()))
        shell.once('close', (code) => resolve({ code, out, err }))
      })
      const reached = [...run.err.matchAll(/^README\.md:(\d+)$/gm)].map((match) => Number(match[1]))
      expect(run.code, `the example at README.md:${reached.at(-1)} failed:\n${run.err}\n${run.out}`).toBe(0)
      expect(reached, 'every example ran').toEqual(examples.map((block) => block.line))
      expect(run.err).toContain('README.md: all run')
      // The files the examples say they write are where they said.
      expect(readdirSync(folder.path('.'))).toEqual(expect.arrayContaining(['openapi.json', 'audit-q1.zip']))
    }, 300_000)
  })
})
