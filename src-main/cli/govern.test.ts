import { spawn, spawnSync } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { openEngine, openEngineParts } from '../engine/engine'
import { caller, tempFolder } from '../testing/workspace'

const folder = tempFolder()
afterAll(() => folder.remove())

const root = join(__dirname, '..', '..')
const entry = join(root, 'src-main', 'cli', 'govern.ts')

/** Runs the real `govern` command (from source, through tsx) as a separate process. */
function govern(...args: string[]) {
  const run = spawnSync(process.execPath, ['--import', 'tsx', entry, ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, GOVERN_WORKSPACE: folder.path('default.sqlite') } })
  return { code: run.status, out: run.stdout, err: run.stderr }
}

/** A workspace made as `govern serve` or the desktop app make one on first start: token commands need one. */
async function newWorkspace(name: string): Promise<string> {
  const db = folder.path(name)
  await (await openEngine(db)).close()
  return db
}

describe('govern', () => {
  it('documents every command in --help', () => {
    const help = govern('--help')
    expect(help.code).toBe(0)
    for (const command of ['migrate', 'serve', 'token', 'import', 'check', 'audit', 'info']) expect(help.out).toContain(command)
    const tokenHelp = govern('token', '--help')
    for (const command of ['create', 'list', 'revoke']) expect(tokenHelp.out).toContain(command)
    const serveHelp = govern('serve', '--help')
    for (const option of ['--db', '--database-url', '--host', '--port', '127.0.0.1', '4780', '--webhook-timeout', '--webhook-allow']) expect(serveHelp.out).toContain(option)
  })

  it('creates a token, prints it once, and stores only its hash', async () => {
    const db = await newWorkspace('tokens.sqlite')
    const created = govern('token', 'create', '--db', db, '--name', 'ci-pipeline', '--role', 'org_admin')
    expect(created.code).toBe(0)
    const secret = created.out.trim()
    expect(secret).toMatch(/^gov_[A-Za-z0-9_-]{43}$/)
    expect(readFileSync(db).includes(Buffer.from(secret))).toBe(false)
    const listed = govern('token', 'list', '--db', db)
    expect(listed.out).toContain('ci-pipeline')
    expect(listed.out).not.toContain(secret)
  })

  it('refuses an unknown role with the choices', () => {
    const created = govern('token', 'create', '--db', folder.path('roles.sqlite'), '--name', 'x', '--role', 'superuser')
    expect(created.code).not.toBe(0)
    expect(created.err).toContain('org_admin')
  })

  it('refuses a file that is not a workspace, with a clear message, and leaves it untouched', () => {
    const file = folder.path('spreadsheet.xlsx')
    writeFileSync(file, 'PK\u0003\u0004 definitely not sqlite')
    const before = readFileSync(file)
    const run = govern('info', '--db', file)
    expect(run.code).toBe(2)
    expect(run.err).toContain('is not a Governance Console workspace')
    expect(run.err).not.toMatch(/\bat .*:\d+:\d+/)
    expect(readFileSync(file)).toEqual(before)
  })

  /** Starts `govern serve` on any free port; resolves with what it printed once it is serving. */
  async function serving(args: string[]): Promise<{ child: ReturnType<typeof spawn>; output: string; base: string }> {
    const child = spawn(process.execPath, ['--import', 'tsx', entry, 'serve', '--port', '0', ...args], { cwd: root, env: { ...process.env, GOVERN_WORKSPACE: folder.path('default.sqlite') } })
    const output = await new Promise<string>((resolve, reject) => {
      let printed = ''
      child.stdout!.on('data', (chunk: Buffer) => {
        printed += chunk.toString()
        if (/REST API: .*\n/.test(printed)) resolve(printed)
      })
      child.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${printed}`)))
    })
    return { child, output, base: /(http:\/\/127\.0\.0\.1:\d+)\/\?token=\S+/.exec(output)![1]! }
  }

  it('serves on loopback, printing a sign-in link, and answers 401 then 200', async () => {
    const db = await newWorkspace('serve.sqlite')
    const secret = govern('token', 'create', '--db', db, '--name', 'curl').out.trim()
    const { child, base } = await serving(['--db', db])
    try {
      expect((await fetch(`${base}/api/v1/applications`)).status).toBe(401)
      const ok = await fetch(`${base}/api/v1/applications`, { headers: { authorization: `Bearer ${secret}` } })
      expect(ok.status).toBe(200)
      expect(await ok.json()).toEqual({ applications: [] })
    } finally {
      child.kill('SIGTERM')
    }
  })

  it('serves the default workspace without --db, names it first, and knows a token made without --db', async () => {
    await newWorkspace('default.sqlite')
    await newWorkspace('my.sqlite')
    const secret = govern('token', 'create', '--name', 'readme').out.trim()
    const { child, output, base } = await serving([])
    try {
      expect(output.split('\n')[0]).toBe(`Governance Console is serving ${folder.path('default.sqlite')}`)
      expect(output).toContain(`\`govern token create --db ${folder.path('default.sqlite')} --name NAME\``)
      expect((await fetch(`${base}/api/v1/me`, { headers: { authorization: `Bearer ${secret}` } })).status).toBe(200)
      // A token made for another workspace file is answered with the one served here.
      const other = govern('token', 'create', '--db', folder.path('my.sqlite'), '--name', 'elsewhere').out.trim()
      const refused = await fetch(`${base}/api/v1/me`, { headers: { authorization: `Bearer ${other}` } })
      expect(refused.status).toBe(401)
      expect(await refused.json()).toMatchObject({ message: expect.stringContaining(`(${folder.path('default.sqlite')})`) })
    } finally {
      child.kill('SIGTERM')
    }
  })

  const { GOVERN_WEBHOOK_ALLOW: _unset, ...inherited } = process.env

  it('refuses an allow-list entry that is neither a name, an address nor a range, naming it', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', entry, 'serve', '--db', folder.path('bad-allow.sqlite'), '--port', '0', '--webhook-allow', '10.0.0.0/8,http://relay'], { cwd: root, encoding: 'utf8', env: inherited })
    expect(run.status).not.toBe(0)
    expect(run.stderr).toContain('"http://relay" is not a host name, an IP address or a CIDR range')
    expect(existsSync(folder.path('bad-allow.sqlite'))).toBe(false)
  })

  it('accepts a policy webhook on an address --webhook-allow names, and refuses one inside that it does not', async () => {
    const db = await newWorkspace('webhook-allow.sqlite')
    const secret = govern('token', 'create', '--db', db, '--name', 'webhooks').out.trim()
    const { child, base } = await serving(['--db', db, '--webhook-allow', '127.0.0.1'])
    try {
      const create = (name: string, webhook: string) =>
        fetch(`${base}/api/v1/organization/policies`, {
          method: 'POST',
          headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
          body: JSON.stringify({ name, notification_webhook: webhook, alert_rules: [{ metric: 'pii', operator: '>', threshold: 2, severity: 'critical' }] }),
        })
      expect((await create('Allowed', 'http://127.0.0.1:9/hooks')).status).toBe(201)
      const refused = await create('Metadata', 'http://169.254.169.254/latest/meta-data/')
      expect(await refused.json()).toMatchObject({ error: 'invalid_input', field: 'notification_webhook', message: expect.stringContaining('169.254.169.254 is a link-local (cloud metadata) address') })
    } finally {
      child.kill('SIGTERM')
    }
  })
})

describe('govern import', () => {
  async function workspaceWithApplication(name: string): Promise<string> {
    const db = folder.path(name)
    const engine = await openEngine(db)
    await caller(engine)('applications.create', { id: 'app_a', name: 'Assistant' })
    await engine.close()
    return db
  }
  const hour = new Date(Date.now() - 3_600_000).toISOString()

  it('imports a JSONL file of inference events into an application, once', async () => {
    const db = await workspaceWithApplication('import.sqlite')
    const file = folder.path('events.jsonl')
    writeFileSync(file, `{"timestamp": "${hour}", "latency_ms": 800, "pii": true}\n{"timestamp": "${hour}", "latency_ms": 900, "pii": false, "model": "m1"}\n`)
    const first = govern('import', '--db', db, '--app', 'app_a', file)
    expect(first).toMatchObject({ code: 0 })
    expect(first.out).toMatch(/^Imported 2 events into 3 hourly buckets/)
    expect(first.err).toContain('Ignored columns: model')
    expect(govern('import', '--db', db, '--app', 'app_a', file).out).toContain('was imported before; nothing changed')
    const { engine, context } = await openEngineParts(db)
    const rows = await context.db.selectFrom('metric_buckets').innerJoin('metric_series', 'metric_series.id', 'metric_buckets.series_id').select(['metric', 'n', 'total']).where('metric', '=', 'pii').execute()
    await engine.close()
    expect(rows).toEqual([{ metric: 'pii', n: 1, total: 2 }])
  })

  it('refuses to read the workspace itself as a file of events, leaving it as it was', async () => {
    const db = await workspaceWithApplication('import-itself.sqlite')
    const before = readFileSync(db)
    expect(govern('import', '--db', db, '--app', 'app_a', '--format', 'csv', db)).toMatchObject({ code: 2, err: `govern: ${db} is the workspace itself (or a file SQLite keeps beside it), not a file of events\n` })
    expect(readFileSync(db)).toEqual(before)
  })

  it('refuses a file with a bad line, naming it, and stores nothing', async () => {
    const db = await workspaceWithApplication('import-bad.sqlite')
    const file = folder.path('events.csv')
    writeFileSync(file, `timestamp,latency_ms,error\n${hour},800,false\n${hour},slow,false\n`)
    expect(govern('import', '--db', db, '--app', 'app_a', file)).toMatchObject({ code: 2, err: 'govern: line 3, latency_ms: must be a number of at least 0 (got "slow")\n' })
    expect(govern('import', '--db', db, '--app', 'app_a', folder.path('events.txt'))).toMatchObject({ code: 2, err: expect.stringContaining('pass --format jsonl or --format csv') as string })
    const { engine, context } = await openEngineParts(db)
    const count = await context.db.selectFrom('metric_buckets').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
    await engine.close()
    expect(count.n).toBe(0)
  })
})

describe('govern serve beyond loopback', () => {
  const { GOVERN_ALLOWED_HOSTS: _unset, ...inherited } = process.env
  const env = (allowedHosts?: string) => ({ ...inherited, GOVERN_WORKSPACE: folder.path('default.sqlite'), ...(allowedHosts ? { GOVERN_ALLOWED_HOSTS: allowedHosts } : {}) })
  const serveArgs = (db: string, ...more: string[]) => ['--import', 'tsx', entry, 'serve', '--db', db, '--host', '0.0.0.0', '--port', '0', ...more]

  it('refuses to start beyond loopback without --allowed-hosts, in one line, with exit code 2', () => {
    const db = folder.path('open-to-all.sqlite')
    const run = spawnSync(process.execPath, serveArgs(db), { cwd: root, encoding: 'utf8', env: env() })
    expect(run.status).toBe(2)
    expect(run.stderr).toMatch(/^govern: --host 0\.0\.0\.0 is reachable beyond this computer; list the names .*--allowed-hosts.*GOVERN_ALLOWED_HOSTS.*\n$/)
    expect(run.stderr.trimEnd().split('\n')).toHaveLength(1)
    expect(existsSync(db)).toBe(false)
  })

  it('refuses an allowed host written with a scheme, naming it', () => {
    const run = spawnSync(process.execPath, serveArgs(folder.path('scheme.sqlite'), '--allowed-hosts', 'https://governance.example.com'), { cwd: root, encoding: 'utf8', env: env() })
    expect(run.status).not.toBe(0)
    expect(run.stderr).toContain('"https://governance.example.com" is not a host name')
  })

  it('answers the names in GOVERN_ALLOWED_HOSTS beyond loopback, and prints the sign-in link with the first', async () => {
    const child = spawn(process.execPath, serveArgs(folder.path('allowed.sqlite')), { cwd: root, env: env('governance.test,10.0.0.5') })
    try {
      const port = await new Promise<string>((resolve, reject) => {
        let output = ''
        child.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString()
          const match = /http:\/\/governance\.test:(\d+)\/\?token=\S+/.exec(output)
          if (match?.[1]) resolve(match[1])
        })
        child.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${output}`)))
      })
      const statusFor = (host: string) =>
        new Promise<number>((resolve, reject) => {
          const req = request(`http://127.0.0.1:${port}/api/v1/applications`, { headers: { host } }, (res) => {
            res.resume()
            resolve(res.statusCode ?? 0)
          })
          req.on('error', reject)
          req.end()
        })
      expect(await statusFor(`governance.test:${port}`)).toBe(401)
      expect(await statusFor('10.0.0.5')).toBe(401)
      expect(await statusFor(`attacker.test:${port}`)).toBe(403)
    } finally {
      child.kill('SIGTERM')
    }
  })
})

