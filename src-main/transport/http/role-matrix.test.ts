/**
 * Every procedure × every role, through HTTP as a client calls it: REST where the procedure has a
 * route, the typed client's /rpc where it has none. A role is refused with 403 exactly where the
 * role policy (src-shared/api/access.ts) says so, and let through (to whatever the call itself
 * answers) everywhere else. Plus the rules tokens follow: a person's token never carries more than
 * the person's role today.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mayCall, ROLE_ACCESS } from '../../../src-shared/api/access'
import { contract, type ProcedureName } from '../../../src-shared/api/contract'
import { Role } from '../../../src-shared/domain/common'
import type { Engine } from '../../engine/engine'
import { caller, openTestEngine, tempFolder } from '../../testing/workspace'
import { startServer, type RunningServer } from './server'

const folder = tempFolder()
let engine: Engine
let server: RunningServer
const tokens = {} as Record<Role, string>
let demotedToken: string

beforeAll(async () => {
  engine = (await openTestEngine(folder.path('role-matrix.sqlite'))).engine
  server = await startServer({ engine, port: 0, log: () => undefined })
  const call = caller(engine)
  for (const role of Role.options) {
    const person = await call('users.create', { name: `A ${role.replace('_', ' ')}`, role })
    tokens[role] = (await engine.tokens.create({ name: role, role, user: person.id })).secret
  }
  // An org admin's token, kept after the person was made an auditor.
  const demoted = await call('users.create', { name: 'Dana Demoted', role: 'org_admin' })
  demotedToken = (await engine.tokens.create({ name: 'dana', role: 'org_admin', user: demoted.id })).secret
  await call('users.update', { id: demoted.id, role: 'auditor' })
})
afterAll(async () => {
  await server.close()
  await engine.close()
  folder.remove()
})

/** The call as a client makes it, with an input no handler accepts, so nothing is changed by letting it in. */
function request(name: ProcedureName, bearer: string): Promise<Response> {
  const headers = { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' }
  const route = contract[name].rest
  if (!route) return fetch(`${server.url}/rpc/${name}`, { method: 'POST', headers, body: JSON.stringify({ __no_such_field: true }) })
  const path = route.path.replace(/\{(\w+)\}/g, (_, field: string) => `${field}_no_such_thing`)
  const query = route.method === 'GET' || route.method === 'DELETE' ? '?__no_such_field=1' : ''
  const body = route.method === 'POST' || route.method === 'PATCH' ? JSON.stringify({ __no_such_field: true }) : undefined
  return fetch(`${server.url}/api/v1${path}${query}`, { method: route.method, headers, body })
}

const procedures = Object.keys(contract) as ProcedureName[]

describe('the role matrix, every procedure through HTTP', () => {
  it('grants each role its kinds of access, as the reference describes the roles', () => {
    expect(Object.fromEntries(Object.entries(ROLE_ACCESS).map(([role, kinds]) => [role, [...kinds].sort()]))).toEqual({
      org_admin: ['administer', 'attest', 'export', 'manage', 'read'],
      governance_manager: ['attest', 'export', 'manage', 'read'],
      reviewer: ['attest', 'read'],
      auditor: ['export', 'read'],
    })
  })

  for (const role of Role.options) {
    it(`refuses the ${role} with 403 exactly where it may not call`, async () => {
      const outcomes: string[] = []
      const expected: string[] = []
      for (const name of procedures) {
        const response = await request(name, tokens[role])
        const refused = response.status === 403
        if (refused) expect(await response.json(), name).toMatchObject({ error: 'forbidden', message: expect.stringContaining(`The ${role} role cannot`) })
        else await response.body?.cancel()
        outcomes.push(`${name}: ${refused ? 'refused' : 'let through'}`)
        expected.push(`${name}: ${mayCall(role, contract[name].access) ? 'let through' : 'refused'}`)
      }
      expect(outcomes).toEqual(expected)
    })
  }

  it('has people and the workspace administered by org admins alone, and policies managed by governance managers too', () => {
    const kindOf = (name: ProcedureName) => contract[name].access
    expect(['users.create', 'users.update', 'users.deactivate', 'groups.create', 'groups.update', 'workspace.loadSample'].map((name) => kindOf(name as ProcedureName))).toEqual(Array(6).fill('administer'))
    expect(['policies.create', 'policies.update', 'applications.create', 'alertRules.create', 'attestationRules.create', 'metrics.ingest'].map((name) => kindOf(name as ProcedureName))).toEqual(Array(6).fill('manage'))
    expect(kindOf('attestations.submit')).toBe('attest')
    expect(kindOf('reports.start')).toBe('export')
  })
})

describe('a token acting for a person', () => {
  it('carries no more than the person’s role today: a demoted admin’s token reads, and may not create people', async () => {
    const read = await fetch(`${server.url}/api/v1/applications`, { headers: { authorization: `Bearer ${demotedToken}` } })
    expect(read.status).toBe(200)
    const create = await fetch(`${server.url}/rpc/users.create`, { method: 'POST', headers: { authorization: `Bearer ${demotedToken}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Eve', role: 'org_admin' }) })
    expect(create.status).toBe(403)
    expect(await create.json()).toMatchObject({ error: 'forbidden', message: expect.stringContaining('The auditor role cannot') })
  })
})
