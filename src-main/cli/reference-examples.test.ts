/**
 * The reference's own API examples, run verbatim with curl against a real `govern serve`: only the
 * host and the token are replaced, as a reader of the documentation would do.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openEngine } from '../engine/engine'
import { tempFolder } from '../testing/workspace'

const folder = tempFolder()
const root = join(__dirname, '..', '..')
const entry = join(root, 'src-main', 'cli', 'govern.ts')
const db = folder.path('reference.sqlite')
let server: ChildProcess
let host: string
let token: string
/** The policy the examples' pol_abc123 stands for. */
let policyId: string

function curl(command: string): { status: number; body: unknown } {
  const script = command.replaceAll('https://YOUR_ARTHUR_HOST', host).replaceAll('YOUR_API_TOKEN', token)
  const run = spawnSync('bash', ['-c', `${script} -s -w '\\n%{http_code}'`], { encoding: 'utf8' })
  const lines = run.stdout.trimEnd().split('\n')
  const status = Number(lines.pop())
  return { status, body: JSON.parse(lines.join('\n') || 'null') as unknown }
}

beforeAll(async () => {
  // The workspace a first `govern serve` (or the desktop app) makes: a token is made in one that exists.
  await (await openEngine(db)).close()
  token = spawnSync(process.execPath, ['--import', 'tsx', entry, 'token', 'create', '--db', db, '--name', 'reference'], { cwd: root, encoding: 'utf8' }).stdout.trim()
  server = spawn(process.execPath, ['--import', 'tsx', entry, 'serve', '--db', db, '--port', '0'], { cwd: root })
  host = await new Promise<string>((resolve, reject) => {
    let output = ''
    server.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString()
      const match = /(http:\/\/127\.0\.0\.1:\d+)\/\?token=/.exec(output)
      if (match?.[1]) resolve(match[1])
    })
    server.once('exit', (code) => reject(new Error(`serve exited ${code}: ${output}`)))
  })
  const create = (body: object) =>
    curl(`curl -X POST https://YOUR_ARTHUR_HOST/api/v1/applications -H "Authorization: Bearer YOUR_API_TOKEN" -H "Content-Type: application/json" -d '${JSON.stringify(body)}'`)
  for (const id of ['app_001', 'app_002', 'app_003']) expect(create({ id, name: `Inventory ${id}`, tags: ['internal'] }).status).toBe(201)
  expect(create({ id: 'app_chatbot', name: 'Public chatbot', tags: ['external-facing'] }).status).toBe(201)
  expect(create({ id: 'app_ledger', name: 'Ledger assistant', tags: ['production'] }).status).toBe(201)
  const created = curl(
    `curl -X POST https://YOUR_ARTHUR_HOST/api/v1/organization/policies/from-template -H "Authorization: Bearer YOUR_API_TOKEN" -H "Content-Type: application/json" -d '{"template_id": "hardened_external", "name": "pol_abc123 stand-in"}'`,
  )
  expect(created.status).toBe(201)
  policyId = (created.body as { id: string }).id
})

afterAll(() => {
  server.kill('SIGTERM')
  folder.remove()
})

const withPolicy = (command: string) => command.replaceAll('pol_abc123', policyId)

describe('the reference’s PATCH scope examples, verbatim with curl', () => {
  it('applies a policy by tag', () => {
    const response = curl(
      withPolicy(`curl -X PATCH https://YOUR_ARTHUR_HOST/api/v1/organization/policies/pol_abc123 \\
-H "Authorization: Bearer YOUR_API_TOKEN" \\
-H "Content-Type: application/json" \\
-d '{
"scope": {
"apply_to_all": false,
"tags": ["external-facing", "production"],
"application_ids": []
}
}'`),
    )
    expect(response.status).toBe(200)
    expect((response.body as { scope: unknown }).scope).toEqual({ apply_to_all: false, tags: ['external-facing', 'production'], application_ids: [] })
    const rules = curl(`curl https://YOUR_ARTHUR_HOST/api/v1/applications/app_chatbot/alert-rules -H "Authorization: Bearer YOUR_API_TOKEN"`)
    expect((rules.body as { alert_rules: unknown[] }).alert_rules).toHaveLength(5)
  })

  it('applies a policy to specific applications', () => {
    const response = curl(
      withPolicy(`curl -X PATCH https://YOUR_ARTHUR_HOST/api/v1/organization/policies/pol_abc123 \\
-H "Authorization: Bearer YOUR_API_TOKEN" \\
-H "Content-Type: application/json" \\
-d '{
"scope": {
"apply_to_all": false,
"tags": [],
"application_ids": ["app_001", "app_002", "app_003"]
}
}'`),
    )
    expect(response.status).toBe(200)
    expect((response.body as { scope: { application_ids: string[] } }).scope.application_ids).toEqual(['app_001', 'app_002', 'app_003'])
    const covered = curl(withPolicy(`curl https://YOUR_ARTHUR_HOST/api/v1/organization/policies/pol_abc123/applications -H "Authorization: Bearer YOUR_API_TOKEN"`))
    expect((covered.body as { applications: Array<{ application_id: string }> }).applications.map((a) => a.application_id).sort()).toEqual(['app_001', 'app_002', 'app_003'])
    const chatbot = curl(`curl https://YOUR_ARTHUR_HOST/api/v1/applications/app_chatbot/alert-rules -H "Authorization: Bearer YOUR_API_TOKEN"`)
    expect((chatbot.body as { alert_rules: unknown[] }).alert_rules).toEqual([])
  })

  it('lists the templates, libraries, versions and audit events', () => {
    const get = (path: string) => curl(withPolicy(`curl https://YOUR_ARTHUR_HOST/api/v1${path} -H "Authorization: Bearer YOUR_API_TOKEN"`))
    expect((get('/organization/policy-templates').body as { templates: Array<{ id: string }> }).templates.map((t) => t.id)).toEqual([
      'system_health',
      'sensitive_data',
      'hardened_external',
      'performance_monitored',
    ])
    expect((get('/organization/alert-rules').body as { alert_rules: unknown[] }).alert_rules).toHaveLength(15)
    expect(get('/organization/attestation-rules').body).toEqual({ attestation_rules: [] })
    expect((get('/organization/policies/pol_abc123/versions').body as { versions: unknown[] }).versions).toHaveLength(3)
    expect((get('/audit-events?action=policy.scope_changed').body as { events: unknown[] }).events).toHaveLength(2)
  })

  it('answers a bad scope with 422 naming the field', () => {
    const response = curl(
      withPolicy(`curl -X PATCH https://YOUR_ARTHUR_HOST/api/v1/organization/policies/pol_abc123 -H "Authorization: Bearer YOUR_API_TOKEN" -H "Content-Type: application/json" -d '{"scope": {"apply_to_all": "yes"}}'`),
    )
    expect(response.status).toBe(422)
    expect(response.body).toMatchObject({ error: 'invalid_input', field: 'scope.apply_to_all' })
  })

  it('archives a policy with DELETE', () => {
    const response = curl(withPolicy(`curl -X DELETE https://YOUR_ARTHUR_HOST/api/v1/organization/policies/pol_abc123 -H "Authorization: Bearer YOUR_API_TOKEN"`))
    expect(response.status).toBe(200)
    expect(response.body).toMatchObject({ archived: true, covered_application_count: 0 })
  })
})
