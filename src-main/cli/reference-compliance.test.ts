/**
 * The reference's compliance examples — the Python loop, the JavaScript loop and curl — run
 * unchanged against a real `govern serve`, with only the host and token filled in. The Python
 * example's `arthur_client` is a few lines of standard-library HTTP, as a reader would write.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openEngine } from '../engine/engine'
import { tempFolder } from '../testing/workspace'

const folder = tempFolder()
const root = join(__dirname, '..', '..')
const entry = join(root, 'src-main', 'cli', 'govern.ts')
const db = folder.path('compliance.sqlite')
let server: ChildProcess
let host: string
let token: string

async function api(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${host}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  return { status: response.status, body: await response.json() }
}

const PYTHON_CLIENT = `
import json, urllib.parse, urllib.request
class _Response:
    def __init__(self, body): self._body = body
    def json(self): return json.loads(self._body)
class _Client:
    def get(self, url, params=None):
        if params: url += "?" + urllib.parse.urlencode(params)
        request = urllib.request.Request(url, headers={"Authorization": "Bearer YOUR_API_TOKEN"})
        with urllib.request.urlopen(request) as response: return _Response(response.read())
arthur_client = _Client()
`

const PYTHON_EXAMPLE = `# Get compliance status for all policies
compliance_response = arthur_client.get(
"https://YOUR_ARTHUR_HOST/api/v1/organization/policies/compliance"
)
compliance = compliance_response.json()
for policy in compliance["policies"]:
  print(f"Policy: {policy['name']}")
  print(f"  Compliant apps: {policy['compliant_count']}/{policy['total_count']}")
  print(f"  Gaps: {policy['gap_count']}")
  if policy["gaps"]:
    for gap in policy["gaps"]:
      print(f"    - {gap['application_name']}: failing {gap['failing_requirements']}")
# Get compliance status for a specific application
app_compliance = arthur_client.get(
"https://YOUR_ARTHUR_HOST/api/v1/organization/policies/compliance",
params={"application_id": "app_xyz789"}
)
print(app_compliance.json())
`

const JAVASCRIPT_EXAMPLE = `// Get compliance status for all policies
const complianceRes = await fetch(
"https://YOUR_ARTHUR_HOST/api/v1/organization/policies/compliance",
{ headers: { "Authorization": "Bearer YOUR_API_TOKEN" } }
);
const compliance = await complianceRes.json();
for (const policy of compliance.policies) {
console.log(\`Policy: \${policy.name}\`);
console.log(\` Compliant: \${policy.compliant_count}/\${policy.total_count}\`);
if (policy.gaps?.length) {
policy.gaps.forEach(gap => {
console.log(\` Gap: \${gap.application_name} — failing: \${gap.failing_requirements.join(", ")}\`);
});
}
}
// Get compliance for a specific application
const appComplianceRes = await fetch(
"https://YOUR_ARTHUR_HOST/api/v1/organization/policies/compliance?application_id=app_xyz789",
{ headers: { "Authorization": "Bearer YOUR_API_TOKEN" } }
);
console.log(await appComplianceRes.json());
`

const filled = (code: string) => code.replaceAll('https://YOUR_ARTHUR_HOST', host).replaceAll('YOUR_API_TOKEN', token)

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
  expect((await api('POST', '/applications', { id: 'app_xyz789', name: 'Account chatbot', tags: ['customer-data'] })).status).toBe(201)
  expect((await api('POST', '/applications', { id: 'app_ledger', name: 'Ledger assistant', tags: ['customer-data'] })).status).toBe(201)
  expect((await api('POST', '/organization/policies/from-template', { template_id: 'sensitive_data', scope: { tags: ['customer-data'] } })).status).toBe(201)
  const hour = new Date(Date.now() - 3_600_000).toISOString()
  const day = (id: string, pii: number) =>
    api('POST', `/applications/${id}/metrics`, {
      observations: ['sensitive_data', 'credit_card', 'gov_id'].map((metric) => ({ metric, timestamp: hour, count: 0, total: 1000 })).concat([{ metric: 'pii', timestamp: hour, count: pii, total: 1000 }]),
    })
  expect((await day('app_xyz789', 31)).status).toBe(200)
  expect((await day('app_ledger', 3)).status).toBe(200)
})

afterAll(() => {
  server.kill('SIGTERM')
  folder.remove()
})

describe('GET /organization/policies/compliance', () => {
  it('has exactly the reference’s shape', async () => {
    const { status, body } = await api('GET', '/organization/policies/compliance')
    expect(status).toBe(200)
    const [policy] = (body as { policies: Array<Record<string, unknown>> }).policies
    expect(Object.keys(policy!).sort()).toEqual(['compliant_count', 'gap_count', 'gaps', 'id', 'name', 'total_count'])
    expect(policy).toMatchObject({ name: 'Sensitive Data', compliant_count: 1, total_count: 2, gap_count: 1 })
    const [gap] = policy!.gaps as Array<Record<string, unknown>>
    expect(Object.keys(gap!).sort()).toEqual(['application_id', 'application_name', 'failing_requirements', 'failures', 'status'])
    expect(gap).toEqual({
      application_id: 'app_xyz789',
      application_name: 'Account chatbot',
      status: 'non_compliant',
      failing_requirements: ['pii'],
      failures: [{ requirement: 'pii', reason: expect.stringMatching(/^PII detection rate was 3\.1% over the 24 hours to .*, above the 2% threshold \(critical\) of Sensitive Data v1$/) as string, value: 3.1, threshold: 2, severity: 'critical' }],
    })
  })

  it('narrows to one application, answers as of a past moment, and names what is wrong with bad input', async () => {
    const one = (await api('GET', '/organization/policies/compliance?application_id=app_ledger')).body as { policies: Array<{ total_count: number; gaps: unknown[] }> }
    expect(one.policies).toEqual([expect.objectContaining({ compliant_count: 1, total_count: 1, gap_count: 0, gaps: [] })])
    const past = (await api('GET', '/organization/policies/compliance?as_of=2020-01-01T00:00:00Z')).body
    expect(past).toEqual({ policies: [] })
    expect(await api('GET', '/organization/policies/compliance?application_id=app_nobody')).toMatchObject({ status: 404, body: { field: 'application_id' } })
    expect(await api('GET', '/organization/policies/compliance?as_of=last-tuesday')).toMatchObject({ status: 422, body: { field: 'as_of' } })
  })

  it('runs the reference’s Python loop unchanged', () => {
    const script = folder.path('compliance.py')
    writeFileSync(script, filled(PYTHON_CLIENT + PYTHON_EXAMPLE))
    const run = spawnSync('python3', [script], { encoding: 'utf8' })
    expect(run.stderr).toBe('')
    expect(run.stdout).toContain('Policy: Sensitive Data\n  Compliant apps: 1/2\n  Gaps: 1\n    - Account chatbot: failing [\'pii\']\n')
    expect(run.stdout).toContain("'application_id': 'app_xyz789'")
  })

  it('runs the reference’s JavaScript loop unchanged', () => {
    const script = folder.path('compliance.mjs')
    writeFileSync(script, filled(JAVASCRIPT_EXAMPLE))
    const run = spawnSync(process.execPath, [script], { encoding: 'utf8' })
    expect(run.stderr).toBe('')
    expect(run.stdout).toContain('Policy: Sensitive Data\n Compliant: 1/2\n Gap: Account chatbot — failing: pii\n')
  })

  it('answers the reference’s curl examples', () => {
    const curl = (command: string) => JSON.parse(spawnSync('bash', ['-c', filled(command)], { encoding: 'utf8' }).stdout) as { policies: unknown[] }
    expect(curl(`curl -s -X GET https://YOUR_ARTHUR_HOST/api/v1/organization/policies/compliance \\\n-H "Authorization: Bearer YOUR_API_TOKEN"`).policies).toHaveLength(1)
    expect(curl(`curl -s -X GET "https://YOUR_ARTHUR_HOST/api/v1/organization/policies/compliance?application_id=app_xyz789" \\\n-H "Authorization: Bearer YOUR_API_TOKEN"`).policies).toHaveLength(1)
  })
})

describe('metrics and evaluation over REST', () => {
  it('refuses a bad batch with 422 naming the observation and field', async () => {
    const response = await api('POST', '/applications/app_ledger/metrics', { observations: [{ metric: 'pii', timestamp: new Date().toISOString(), count: 1 }] })
    expect(response).toMatchObject({ status: 422, body: { error: 'invalid_input', field: 'observations.0.total' } })
  })

  it('evaluates now and returns when statuses are current', async () => {
    const response = await api('POST', '/organization/compliance/evaluate', {})
    expect(response.status).toBe(200)
    expect(response.body).toMatchObject({ applications: 2 })
    const app = (await api('GET', '/applications/app_xyz789/compliance')).body as { status: string; policies: Array<{ evaluated_at: string }> }
    expect(app.status).toBe('non_compliant')
    expect(app.policies[0]!.evaluated_at).toBe((response.body as { evaluated_at: string }).evaluated_at)
  })
})
