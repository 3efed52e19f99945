/**
 * The role matrix, written out by hand: every procedure of the contract and every API route
 * served outside it, with what each role gets, through HTTP as a client calls it (REST where the
 * procedure has a route, the console's /rpc where it has none). "Allowed" is shown by a valid call
 * on a real workspace that succeeds; "refused" by 403. Nothing here is read from the role policy
 * the server enforces (src-shared/api/access.ts), so a wrong classing there fails a row here.
 *
 * Three workspaces, each behind its own server: the main one (the contract's example world), an
 * empty one for loading the sample, and a desktop that connects to the main one for the calls
 * that only mean something on a desktop (connect, sync now, settle a refused change, disconnect).
 * Tokens act for a person of each role on the main workspace; the other two have tokens of each
 * role acting for no one (a desktop that holds people of its own could not connect).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ROLE_ACCESS } from '../../../src-shared/api/access'
import { contract, type ProcedureName } from '../../../src-shared/api/contract'
import type { ExampleWorld } from '../../../src-shared/api/contract-examples'
import type { ReportJob } from '../../../src-shared/api/reports'
import { SYNC_SNAPSHOT_ROUTE } from '../../../src-shared/api/sync'
import type { Role } from '../../../src-shared/domain/common'
import { newSigningKey, signerFor } from '../../engine/audit/checkpoint'
import type { Engine } from '../../engine/engine'
import { FileCredentialStore } from '../../engine/sync/file-credentials'
import { createExampleWorld } from '../../testing/example-world'
import { caller, openDesktopTestEngine, openTestEngine, tempFolder } from '../../testing/workspace'
import { hostCheckFor } from './host-check'
import { OPENAPI_PATH } from './openapi'
import { API_BASE_PATH, takesBody } from './rest'
import { createHttpApp, startServer, type RunningServer } from './server'

const START = '2026-03-01T10:30:00.000Z'
/** The columns of the matrix, in this order. */
const ROLES = ['org_admin', 'governance_manager', 'reviewer', 'auditor'] as const satisfies readonly Role[]
type Outcome = 'allowed' | 'refused'
const Y: Outcome = 'allowed'
const N: Outcome = 'refused'

type Site = 'main' | 'empty' | 'desktop'
interface Served {
  engine: Engine
  server: RunningServer
  tokens: Record<Role, string>
}

interface Row {
  /** What org_admin, governance_manager, reviewer and auditor get, in that order. */
  may: readonly [Outcome, Outcome, Outcome, Outcome]
  /** A valid input for this role's call; made afresh for each role, so a change by one leaves the next its own. */
  input: (role: Role) => object | Promise<object>
  /** The main workspace unless said. */
  site?: Site
}

/** The snapshot, served outside the contract: its row's key names its route. */
const SNAPSHOT = `${SYNC_SNAPSHOT_ROUTE.method} ${SYNC_SNAPSHOT_ROUTE.path}`

const folder = tempFolder()
const sites = {} as Record<Site, Served>
let world: ExampleWorld
let call: ReturnType<typeof caller>
/** Tokens that act for a reviewer: the reviewer's own, and two made with a larger role than the person has. */
const actingForReviewer = {} as Record<'own' | 'made as org_admin' | 'made as auditor', string>
/** An org admin's token, kept after the person was made an auditor. */
let demotedToken: string

async function serve(engine: Engine, tokens: Record<Role, string>): Promise<Served> {
  return { engine, tokens, server: await startServer({ engine, port: 0, log: () => undefined, requestsPerMinute: 0 }) }
}

async function tokensActingForNoOne(engine: Engine): Promise<Record<Role, string>> {
  const tokens = {} as Record<Role, string>
  for (const role of ROLES) tokens[role] = (await engine.tokens.create({ name: role, role })).secret
  return tokens
}

beforeAll(async () => {
  const main = await openTestEngine(folder.path('main.sqlite'), START)
  call = caller(main.engine)
  world = await createExampleWorld(call, main.clock)
  const tokens = {} as Record<Role, string>
  for (const role of ROLES) {
    // In the group the example policy's sign-off names, so each role's sign-off is one the engine takes.
    const person = await call('users.create', { name: `A ${role.replace('_', ' ')}`, email: `${role}@example.com`, role, group_ids: [world.groupId] })
    tokens[role] = (await main.engine.tokens.create({ name: role, role, user: person.id })).secret
    if (role === 'reviewer') {
      actingForReviewer.own = tokens[role]
      actingForReviewer['made as org_admin'] = (await main.engine.tokens.create({ name: 'reviewer as admin', role: 'org_admin', user: person.id })).secret
      actingForReviewer['made as auditor'] = (await main.engine.tokens.create({ name: 'reviewer as auditor', role: 'auditor', user: person.id })).secret
    }
  }
  const demoted = await call('users.create', { name: 'Dana Demoted', role: 'org_admin' })
  demotedToken = (await main.engine.tokens.create({ name: 'dana', role: 'org_admin', user: demoted.id })).secret
  await call('users.update', { id: demoted.id, role: 'auditor' })
  sites.main = await serve(main.engine, tokens)

  // On its SQLite file whichever database the others are on: the sample takes the best part of a
  // minute to load into PostgreSQL, and who may load it is settled before the engine is asked.
  const empty = (await openDesktopTestEngine(folder.path('empty.sqlite'), START)).engine
  sites.empty = await serve(empty, await tokensActingForNoOne(empty))
  const desktop = (await openDesktopTestEngine(folder.path('desktop.sqlite'), START, { credentials: new FileCredentialStore(folder.path('desktop.token.json')) })).engine
  sites.desktop = await serve(desktop, await tokensActingForNoOne(desktop))
})
afterAll(async () => {
  for (const { server, engine } of Object.values(sites)) {
    await server.close()
    await engine.close()
  }
  folder.remove()
})

/** The call as a client makes it: path parameters in the path, the rest in the query string or a JSON body; /rpc without a route. */
function send(site: Site, name: string, input: object, bearer: string): Promise<Response> {
  const { server } = sites[site]
  const headers = { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' }
  if (name === SNAPSHOT) return fetch(`${server.url}${API_BASE_PATH}${SYNC_SNAPSHOT_ROUTE.path}`, { headers })
  const route = contract[name as ProcedureName].rest
  if (!route) return fetch(`${server.url}/rpc/${name}`, { method: 'POST', headers, body: JSON.stringify(input) })
  const fields: Record<string, unknown> = { ...input }
  const path = route.path.replace(/\{(\w+)\}/g, (_, field: string) => {
    const value = fields[field]
    delete fields[field]
    return encodeURIComponent(String(value))
  })
  if (takesBody(route)) return fetch(`${server.url}${API_BASE_PATH}${path}`, { method: route.method, headers, body: JSON.stringify(fields) })
  const query = new URLSearchParams(Object.entries(fields).map(([field, value]) => [field, typeof value === 'string' ? value : JSON.stringify(value)])).toString()
  return fetch(`${server.url}${API_BASE_PATH}${path}${query ? `?${query}` : ''}`, { method: route.method, headers })
}

/** A call the test makes to set a row up, which must succeed. */
async function setUp<T>(site: Site, name: ProcedureName, input: object, role: Role = 'org_admin'): Promise<T> {
  const response = await send(site, name, input, sites[site].tokens[role])
  if (!response.ok) throw new Error(`Setting up, ${name} as ${role} answered ${response.status}: ${await response.text()}`)
  return (await response.json()) as T
}

let namesMade = 0
/** A name no earlier call used. */
const fresh = (what: string, role: Role) => `${what} ${++namesMade} (${role})`
const recent = () => world.recent

async function newApplication(role: Role): Promise<string> {
  return (await call('applications.create', { name: fresh('Bot', role) })).id
}
async function newPolicy(role: Role): Promise<string> {
  return (await call('policies.create', { name: fresh('Policy', role), alert_rules: [{ metric: 'pii', operator: '>', threshold: 1, severity: 'high' }], scope: { apply_to_all: false } })).id
}
async function newPerson(role: Role): Promise<string> {
  return (await call('users.create', { name: fresh('Person', role) })).id
}
async function newImport(withPart: boolean): Promise<string> {
  const { import_id } = await call('inferences.begin', { id: world.applicationId, format: 'csv' })
  if (withPart) await call('inferences.append', { import_id, part: 0, text: `timestamp,error\n${recent()},false\n` })
  return import_id
}

/** Each role's own finished report job (another's is not found): the org admin's for a role that may not start one. */
const jobs = new Map<Role, Promise<string>>()
function finishedJobOf(role: Role): Promise<string> {
  const starter = role === 'reviewer' ? 'org_admin' : role
  let job = jobs.get(starter)
  if (!job) {
    job = (async () => {
      let state = await setUp<ReportJob>('main', 'reports.start', { format: 'csv', application_id: world.applicationId }, starter)
      while (state.state === 'running') {
        await new Promise((resolve) => setTimeout(resolve, 10))
        state = await setUp<ReportJob>('main', 'reports.job', { id: state.id }, starter)
      }
      expect(state.state).toBe('done')
      return state.id
    })()
    jobs.set(starter, job)
  }
  return job
}

/**
 * Two changes made on the connected desktop that the server refuses (the desktop connected with an
 * auditor's token, which may pull but not change): a problem each for the two roles that may settle one.
 */
let problems: Promise<string[]> | undefined
function refusedChangeOnDesktop(role: Role): Promise<string> {
  problems ??= (async () => {
    const desktop = caller(sites.desktop.engine)
    await desktop('applications.create', { name: 'Made on the desktop' })
    await desktop('applications.create', { name: 'Also made on the desktop' })
    let status = await desktop('sync.now', {})
    while (status.problems.length < 2) {
      await new Promise((resolve) => setTimeout(resolve, 10))
      status = await desktop('sync.now', {})
    }
    return status.problems.map((problem) => problem.command_id)
  })()
  return problems.then((ids) => ids[role === 'governance_manager' ? 1 : 0]!)
}

/**
 * One row per procedure and per route outside the contract, `may` in the columns org_admin,
 * governance_manager, reviewer, auditor. Rows run in this order; the desktop's run connect first
 * and disconnect last.
 */
const MATRIX: Record<string, Row> = {
  'applications.list': { may: [Y, Y, Y, Y], input: () => ({}) },
  'applications.get': { may: [Y, Y, Y, Y], input: () => ({ id: world.applicationId }) },
  'applications.create': { may: [Y, Y, N, N], input: (role) => ({ name: fresh('Bot', role) }) },
  'applications.update': { may: [Y, Y, N, N], input: async (role) => ({ id: await newApplication(role), team: fresh('Team', role) }) },
  'applications.retire': { may: [Y, Y, N, N], input: async (role) => ({ id: await newApplication(role) }) },
  'applications.reinstate': {
    may: [Y, Y, N, N],
    input: async (role) => {
      const id = await newApplication(role)
      await call('applications.retire', { id })
      return { id }
    },
  },
  'applications.rules': { may: [Y, Y, Y, Y], input: () => ({ id: world.applicationId }) },
  'applications.deleteRule': {
    may: [Y, Y, N, N],
    input: async (role) => {
      const id = await newApplication(role)
      const [rule] = (await call('applications.rules', { id })).alert_rules
      return { id, rule_id: rule!.id }
    },
  },
  'applications.restoreRules': {
    may: [Y, Y, N, N],
    input: async (role) => {
      const id = await newApplication(role)
      const rules = (await call('applications.rules', { id })).alert_rules
      await call('applications.deleteRule', { id, rule_id: rules.find((rule) => rule.metric === 'pii')!.id })
      return { id, requirement: 'pii' }
    },
  },
  'applications.policies': { may: [Y, Y, Y, Y], input: () => ({ id: world.applicationId }) },
  'applications.deploymentGate': { may: [Y, Y, Y, Y], input: () => ({ id: world.applicationId }) },
  'audit.list': { may: [Y, Y, Y, Y], input: () => ({ limit: 10 }) },
  'audit.export': { may: [Y, Y, N, Y], input: () => ({ entity_type: 'application', entity_id: world.applicationId }) },
  'audit.verify': { may: [Y, Y, Y, Y], input: () => ({}) },
  'users.list': { may: [Y, Y, Y, Y], input: () => ({}) },
  'users.get': { may: [Y, Y, Y, Y], input: () => ({ id: world.userId }) },
  'users.create': { may: [Y, N, N, N], input: (role) => ({ name: fresh('Person', role), role: 'reviewer' }) },
  'users.update': { may: [Y, N, N, N], input: async (role) => ({ id: await newPerson(role), name: fresh('Renamed', role) }) },
  'users.deactivate': { may: [Y, N, N, N], input: async (role) => ({ id: await newPerson(role) }) },
  'users.reactivate': {
    may: [Y, N, N, N],
    input: async (role) => {
      const id = await newPerson(role)
      await call('users.deactivate', { id })
      return { id }
    },
  },
  'groups.list': { may: [Y, Y, Y, Y], input: () => ({}) },
  'groups.get': { may: [Y, Y, Y, Y], input: () => ({ id: world.groupId }) },
  'groups.create': { may: [Y, N, N, N], input: (role) => ({ name: fresh('Group', role) }) },
  'groups.update': { may: [Y, N, N, N], input: async (role) => ({ id: (await call('groups.create', { name: fresh('Group', role) })).id, description: 'Renamed' }) },
  'tokens.list': { may: [Y, N, N, N], input: () => ({}) },
  'tokens.create': { may: [Y, N, N, N], input: (role) => ({ name: fresh('token', role), role: 'auditor' }) },
  'tokens.revoke': { may: [Y, N, N, N], input: async (role) => ({ id: (await sites.main.engine.tokens.create({ name: fresh('token', role), role: 'auditor' })).token.id }) },
  'metrics.list': { may: [Y, Y, Y, Y], input: () => ({}) },
  'alertRules.list': { may: [Y, Y, Y, Y], input: () => ({}) },
  'alertRules.create': { may: [Y, Y, N, N], input: (role) => ({ name: fresh('Toxicity', role), metric: 'toxicity', operator: '>', threshold: 3, severity: 'high' }) },
  'attestationRules.list': { may: [Y, Y, Y, Y], input: () => ({}) },
  'attestationRules.create': { may: [Y, Y, N, N], input: (role) => ({ name: fresh('Sign-off', role), frequency: 'monthly', reviewers: [{ type: 'group', id: world.groupId }] }) },
  'templates.list': { may: [Y, Y, Y, Y], input: () => ({}) },
  'policies.list': { may: [Y, Y, Y, Y], input: () => ({ include_archived: true }) },
  'policies.get': { may: [Y, Y, Y, Y], input: () => ({ id: world.policyId }) },
  'policies.create': { may: [Y, Y, N, N], input: (role) => ({ name: fresh('Policy', role), alert_rules: [{ metric: 'pii', operator: '>', threshold: 1, severity: 'high' }], scope: { apply_to_all: false } }) },
  'policies.createFromTemplate': { may: [Y, Y, N, N], input: (role) => ({ template_id: 'performance_monitored', name: fresh('Quality Watch', role), scope: { apply_to_all: false }, status: 'draft' }) },
  'policies.update': { may: [Y, Y, N, N], input: async (role) => ({ id: await newPolicy(role), description: 'Tightened' }) },
  'policies.archive': { may: [Y, Y, N, N], input: async (role) => ({ id: await newPolicy(role) }) },
  'policies.versions': { may: [Y, Y, Y, Y], input: () => ({ id: world.policyId }) },
  'policies.diff': { may: [Y, Y, Y, Y], input: () => ({ id: world.policyId, from: 1, to: 2 }) },
  'policies.coverage': { may: [Y, Y, Y, Y], input: () => ({ id: world.policyId }) },
  'policies.previewScope': { may: [Y, Y, Y, Y], input: () => ({ id: world.policyId, scope: { apply_to_all: false, tags: ['production'], application_ids: [] } }) },
  'workspace.info': { may: [Y, Y, Y, Y], input: () => ({}) },
  'workspace.loadSample': { site: 'empty', may: [Y, N, N, N], input: () => ({}) },
  'session.whoami': { may: [Y, Y, Y, Y], input: () => ({}) },
  'metrics.ingest': { may: [Y, Y, N, N], input: (role) => ({ id: world.applicationId, batch_id: fresh('batch', role), observations: [{ metric: 'pii', timestamp: recent(), count: 1, total: 100 }] }) },
  'metrics.series': { may: [Y, Y, Y, Y], input: () => ({ id: world.applicationId, metric: 'pii' }) },
  'inferences.import': { may: [Y, Y, N, N], input: () => ({ id: world.applicationId, format: 'jsonl', content: `{"timestamp": "${recent()}", "latency_ms": 900}\n` }) },
  'inferences.begin': { may: [Y, Y, N, N], input: () => ({ id: world.applicationId, format: 'csv' }) },
  'inferences.append': { may: [Y, Y, N, N], input: async () => ({ import_id: await newImport(false), part: 0, text: `timestamp,error\n${recent()},false\n` }) },
  'inferences.commit': { may: [Y, Y, N, N], input: async () => ({ import_id: await newImport(true) }) },
  'inferences.cancel': { may: [Y, Y, N, N], input: async () => ({ import_id: await newImport(false) }) },
  'compliance.organization': { may: [Y, Y, Y, Y], input: () => ({}) },
  'compliance.application': { may: [Y, Y, Y, Y], input: () => ({ id: world.applicationId }) },
  'compliance.overview': { may: [Y, Y, Y, Y], input: () => ({}) },
  'compliance.trend': { may: [Y, Y, Y, Y], input: () => ({ days: 7 }) },
  'compliance.evaluate': { may: [Y, Y, N, N], input: () => ({ application_id: world.applicationId }) },
  'gaps.list': { may: [Y, Y, Y, Y], input: () => ({ application_id: world.applicationId }) },
  'attestations.submit': { may: [Y, Y, Y, N], input: () => ({ id: world.policyId, status: 'compliant', notes: 'Checked.' }) },
  'attestations.list': { may: [Y, Y, Y, Y], input: () => ({ id: world.policyId }) },
  'attestations.inbox': { may: [Y, Y, Y, Y], input: () => ({ tab: 'open' }) },
  'attestations.request': { may: [Y, Y, Y, Y], input: () => ({ id: world.attestationRequestId }) },
  'attestations.schedules': { may: [Y, Y, Y, Y], input: () => ({ id: world.policyId }) },
  'attestations.reminders': { may: [Y, Y, Y, Y], input: () => ({}) },
  'reports.preview': { may: [Y, Y, Y, Y], input: () => ({ application_id: world.applicationId }) },
  'reports.compliance': { may: [Y, Y, N, Y], input: () => ({ format: 'csv', application_id: world.applicationId }) },
  'reports.start': { may: [Y, Y, N, Y], input: () => ({ format: 'csv', application_id: world.applicationId }) },
  'reports.job': { may: [Y, Y, N, Y], input: async (role) => ({ id: await finishedJobOf(role) }) },
  'reports.file': { may: [Y, Y, N, Y], input: async (role) => ({ id: await finishedJobOf(role) }) },
  'reports.cancel': { may: [Y, Y, N, Y], input: async (role) => ({ id: await finishedJobOf(role) }) },
  'reports.history': { may: [Y, Y, Y, Y], input: () => ({}) },
  'sync.changes': { may: [Y, Y, N, Y], input: () => ({ after: '0', limit: 10 }) },
  // Bookkeeping, checked against the trail: any role may keep a desktop's signed head (one desktop per role here).
  'sync.head': { may: [Y, Y, Y, Y], input: (role) => desktopHead(role) },
  'sync.rows': { may: [Y, Y, N, Y], input: () => ({ keys: [{ table: 'policies', key: [world.policyId] }] }) },
  [SNAPSHOT]: { may: [Y, Y, N, Y], input: () => ({}) },
  'sync.connect': { site: 'desktop', may: [Y, N, N, N], input: () => ({ url: sites.main.server.url, token: sites.main.tokens.auditor }) },
  'sync.status': { site: 'desktop', may: [Y, Y, Y, Y], input: () => ({}) },
  'sync.now': { site: 'desktop', may: [Y, Y, Y, Y], input: () => ({}) },
  'sync.resolve': { site: 'desktop', may: [Y, Y, N, N], input: async (role) => ({ command_id: await refusedChangeOnDesktop(role), choice: 'theirs' }) },
  'sync.disconnect': { site: 'desktop', may: [Y, N, N, N], input: () => ({}) },
}

/** A head of the main workspace's trail, as a desktop of this role signed it with a key of its own. */
async function desktopHead(role: Role): Promise<object> {
  const { workspace_id } = await call('sync.changes', { after: '0', limit: 1 })
  const verified = await call('audit.verify', {})
  if (!verified.ok) throw new Error('the example workspace’s trail is broken')
  const signer = signerFor(newSigningKey())
  return { desktop_workspace_id: `ws_desktop_${role}`, checkpoint: signer.sign({ chain: workspace_id, event_id: verified.events, hash: verified.head, at: START }) }
}

/** The procedures that take the workspace away in bulk, by hand: refused to a reviewer however its token was made. */
const EXPORTS = ['audit.export', 'reports.compliance', 'reports.start', 'reports.job', 'reports.file', 'reports.cancel', 'sync.changes', 'sync.rows', SNAPSHOT]

/** `GET /applications/:id` for each API route the server serves, under /api/v1. */
function servedApiRoutes(): string[] {
  const hostCheck = hostCheckFor('127.0.0.1', [])
  if (!hostCheck.ok) throw new Error(hostCheck.message)
  const app = createHttpApp({ engine: sites.main.engine, loginToken: 'unused', hostCheck: hostCheck.value, stopping: new AbortController().signal })
  return app.routes.filter((route) => route.method !== 'ALL' && route.path.startsWith(`${API_BASE_PATH}/`)).map((route) => `${route.method} ${route.path.slice(API_BASE_PATH.length)}`)
}

describe('the role matrix, every procedure through HTTP', () => {
  it('has a row for every procedure of the contract and every API route served outside it, and no other', () => {
    const contractRoutes = new Set(Object.values(contract).flatMap((procedure) => (procedure.rest ? [`${procedure.rest.method} ${procedure.rest.path.replace(/\{(\w+)\}/g, ':$1')}`] : [])))
    const outside = servedApiRoutes().filter((route) => !contractRoutes.has(route) && route !== `GET ${OPENAPI_PATH}`)
    expect(outside).toEqual([SNAPSHOT])
    expect(Object.keys(MATRIX).sort()).toEqual([...Object.keys(contract), ...outside].sort())
  })

  it('grants each role its kinds of access, as the reference describes the roles', () => {
    expect(Object.fromEntries(Object.entries(ROLE_ACCESS).map(([role, kinds]) => [role, [...kinds].sort()]))).toEqual({
      org_admin: ['administer', 'attest', 'export', 'manage', 'read'],
      governance_manager: ['attest', 'export', 'manage', 'read'],
      reviewer: ['attest', 'read'],
      auditor: ['export', 'read'],
    })
  })

  it('answers each role as the matrix says: a valid call succeeds where allowed, and is refused with 403 elsewhere', async () => {
    const outcomes: string[] = []
    const expected: string[] = []
    for (const [name, row] of Object.entries(MATRIX)) {
      const site = row.site ?? 'main'
      for (const [column, role] of ROLES.entries()) {
        const response = await send(site, name, await row.input(role), sites[site].tokens[role])
        let outcome: string
        if (response.status === 403) {
          const body = (await response.json()) as { error: string; message: string }
          outcome = body.error === 'forbidden' && body.message.startsWith(`The ${role} role cannot call ${name === SNAPSHOT ? SYNC_SNAPSHOT_ROUTE.operationId : name}, which needs the `) ? N : `403 saying ${body.message}`
        } else if (response.ok) {
          outcome = Y
          await response.arrayBuffer()
        } else {
          outcome = `${response.status}: ${await response.text()}`
        }
        outcomes.push(`${name} as ${role}: ${outcome}`)
        expected.push(`${name} as ${role}: ${row.may[column]}`)
      }
    }
    expect(outcomes).toEqual(expected)
  }, 120_000)
})

describe('exports', () => {
  it('are the procedures the matrix lets org admins, governance managers and auditors call, and reviewers not', () => {
    const exportersOnly: Row['may'] = [Y, Y, N, Y]
    expect(Object.keys(MATRIX).filter((name) => MATRIX[name]!.may.join() === exportersOnly.join()).sort()).toEqual([...EXPORTS].sort())
  })

  it('are refused to every token acting for a reviewer, whatever role it was made with', async () => {
    const answers: string[] = []
    for (const [made, token] of Object.entries(actingForReviewer)) {
      for (const name of EXPORTS) {
        const response = await send('main', name, await MATRIX[name]!.input('reviewer'), token)
        answers.push(`${name} by the token ${made}: ${response.status}`)
        await response.arrayBuffer()
      }
    }
    expect(answers).toEqual(Object.keys(actingForReviewer).flatMap((made) => EXPORTS.map((name) => `${name} by the token ${made}: 403`)))
  })

  it('keep a reviewer’s desktop from connecting, saying which right its token lacks', async () => {
    const connecting = await send('empty', 'sync.connect', { url: sites.main.server.url, token: actingForReviewer.own }, sites.empty.tokens.org_admin)
    expect(connecting.status).toBe(422)
    expect(await connecting.json()).toEqual({
      error: 'invalid_input',
      field: 'token',
      message: `${sites.main.server.url} does not let this token read its changes: The reviewer role cannot call sync.changes, which needs the export right (org_admin, governance_manager, auditor)`,
    })
  })
})

describe('a token acting for a person', () => {
  it('carries no more than the person’s role today: a demoted admin’s token reads and exports, and may not create people', async () => {
    expect((await send('main', 'applications.list', {}, demotedToken)).status).toBe(200)
    expect((await send('main', 'audit.export', { entity_type: 'application', entity_id: world.applicationId }, demotedToken)).status).toBe(200)
    const create = await send('main', 'users.create', { name: 'Eve', role: 'org_admin' }, demotedToken)
    expect(create.status).toBe(403)
    expect(await create.json()).toEqual({ error: 'forbidden', message: 'The auditor role cannot call users.create, which needs the administer right (org_admin)' })
  })
})
