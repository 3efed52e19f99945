/**
 * Exactly once, answer included: a change sent with an Idempotency-Key is applied by a process
 * that dies by SIGKILL the moment it commits, before answering (testing/command-then-die.ts).
 * The retry, through a real HTTP server on the same workspace, gets the change's answer, kept in
 * its own transaction, and nothing is applied twice.
 */
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ENGINE_TESTS_ON_POSTGRES, workspaceLocationOf } from '../../testing/engine-database'
import { caller, openTestEngine, tempFolder, type TestEngine } from '../../testing/workspace'
import { startServer, type RunningServer } from './server'

const ROOT = join(__dirname, '..', '..', '..')
const SCRIPT = join(ROOT, 'src-main', 'testing', 'command-then-die.ts')

interface Workspace {
  parts: TestEngine
  server: RunningServer
  secret: string
  /** Where another process opens it. */
  location: string
}

const folder = tempFolder()
const workspaces: Workspace[] = []

async function openWorkspace(name: string): Promise<Workspace> {
  const parts = await openTestEngine(folder.path(name))
  const server = await startServer({ engine: parts.engine, port: 0, log: () => undefined, requestsPerMinute: 0 })
  const { secret } = await parts.engine.tokens.create({ name: 'pipeline', role: 'org_admin' })
  const workspace = { parts, server, secret, location: await workspaceLocationOf(parts.engine.path) }
  workspaces.push(workspace)
  return workspace
}

afterAll(async () => {
  for (const { server, parts } of workspaces) {
    await server.close()
    await parts.engine.close()
  }
  folder.remove()
})

/** Applies the change in a process of its own, which dies at its commit; answers how it ended. */
function applyAndDie(workspace: Workspace, procedure: string, key: string, input: unknown): Promise<{ signal: string | null; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT, workspace.location, workspace.secret, procedure, key, JSON.stringify(input)], { cwd: ROOT })
  let stderr = ''
  child.stderr.on('data', (piece: Buffer) => (stderr += piece.toString()))
  return new Promise((resolve) => child.once('exit', (_code, signal) => resolve({ signal, stderr })))
}

function send(workspace: Workspace, method: string, path: string, body: unknown, key: string): Promise<Response> {
  return fetch(`${workspace.server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${workspace.secret}`, 'content-type': 'application/json', 'idempotency-key': key },
    body: JSON.stringify(body),
  })
}

const auditOf = async (workspace: Workspace, action: string, entityId: string) =>
  (await caller(workspace.parts.engine)('audit.list', { action })).events.filter((event) => event.entity_id === entityId)

describe('a retry after the process applying the change died between its commit and its answer', () => {
  let workspace: Workspace
  beforeAll(async () => {
    workspace = await openWorkspace('died-after-commit.sqlite')
  })

  it('gets the application it created, with Idempotent-Replayed, and the application exists once', async () => {
    const draft = { name: 'Claims Bot', tags: ['prod'], team: 'Claims' }
    expect(await applyAndDie(workspace, 'applications.create', 'create-claims-bot', draft)).toEqual({ signal: 'SIGKILL', stderr: '' })

    const retry = await send(workspace, 'POST', '/api/v1/applications', draft, 'create-claims-bot')
    expect(retry.status).toBe(201)
    expect(retry.headers.get('idempotent-replayed')).toBe('true')
    const answer = (await retry.json()) as { id: string }
    const named = (await caller(workspace.parts.engine)('applications.list', { search: 'Claims Bot' })).applications
    expect(named.map((app) => app.id)).toEqual([answer.id])
    expect(answer).toEqual(await caller(workspace.parts.engine)('applications.get', { id: answer.id }))
    expect(answer).toMatchObject({ name: 'Claims Bot', tags: ['prod'], team: 'Claims', environment: null, retired_at: null })
    expect(await auditOf(workspace, 'application.created', answer.id)).toHaveLength(1)
  })

  it('gets the application as its edit left it, though it changed since, and the edit is applied once', async () => {
    const call = caller(workspace.parts.engine)
    const { id } = await call('applications.create', { name: 'Fraud Scorer', tags: ['beta'] })
    expect(await applyAndDie(workspace, 'applications.update', 'tag-fraud-scorer', { id, tags: ['prod'] })).toEqual({ signal: 'SIGKILL', stderr: '' })
    // Changed again after the edit: the retry is answered as the edit was, not as things stand now.
    await call('applications.update', { id, team: 'Risk' })

    const retry = await send(workspace, 'PATCH', `/api/v1/applications/${id}`, { tags: ['prod'] }, 'tag-fraud-scorer')
    expect(retry.status).toBe(200)
    expect(retry.headers.get('idempotent-replayed')).toBe('true')
    expect(await retry.json()).toMatchObject({ id, name: 'Fraud Scorer', tags: ['prod'], team: null })
    expect(await call('applications.get', { id })).toMatchObject({ tags: ['prod'], team: 'Risk' })
    expect(await auditOf(workspace, 'application.updated', id)).toHaveLength(2)
  })

  it('gets the policy it created, at version 1, and the policy exists once', async () => {
    const draft = { name: 'PII floor', alert_rules: [{ metric: 'pii', operator: '>', threshold: 1, severity: 'critical' }], scope: { apply_to_all: true } }
    expect(await applyAndDie(workspace, 'policies.create', 'create-pii-floor', draft)).toEqual({ signal: 'SIGKILL', stderr: '' })

    const retry = await send(workspace, 'POST', '/api/v1/organization/policies', draft, 'create-pii-floor')
    expect(retry.status).toBe(201)
    expect(retry.headers.get('idempotent-replayed')).toBe('true')
    const answer = (await retry.json()) as { id: string }
    const named = (await caller(workspace.parts.engine)('policies.list', { include_archived: true })).policies.filter((policy) => policy.name === 'PII floor')
    expect(named.map((policy) => policy.id)).toEqual([answer.id])
    expect(answer).toMatchObject({ name: 'PII floor', version: 1, status: 'published' })
    expect(await auditOf(workspace, 'policy.created', answer.id)).toHaveLength(1)
  })
})

describe('a retry of loading the sample after the process loading it died at its first step', () => {
  // The sample takes near a minute to load on PostgreSQL; its task resumes there as on a file.
  it.skipIf(ENGINE_TESTS_ON_POSTGRES)('waits for the sample to finish loading, carrying it on, and answers as the first call would have', async () => {
    const workspace = await openWorkspace('sample-died.sqlite')
    expect(await applyAndDie(workspace, 'workspace.loadSample', 'load-sample', {})).toEqual({ signal: 'SIGKILL', stderr: '' })
    const call = caller(workspace.parts.engine)
    const halfWay = (await call('workspace.info', {})).loading_sample
    expect(halfWay).toMatchObject({ done: expect.any(Number), total: expect.any(Number) })
    expect(halfWay!.done).toBeLessThan(halfWay!.total)

    const retry = await send(workspace, 'POST', '/rpc/workspace.loadSample', {}, 'load-sample')
    expect(retry.status).toBe(200)
    expect(retry.headers.get('idempotent-replayed')).toBe('true')
    expect(await retry.json()).toEqual({ applications_created: 39 })
    expect(await call('workspace.info', {})).toMatchObject({ application_count: 39, loading_sample: null })
  })
})
