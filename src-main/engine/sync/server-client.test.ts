/**
 * What a desktop makes of its server's answer to a command it pushes, against a real server over
 * HTTP: a command the server applied before (a push whose answer was lost) is applied, whether
 * the server answers it again or, being of an earlier version that lost the answer, refuses it on
 * its key; a change the server refuses is a rejection.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startSyncServer, type SyncServer } from '../../testing/sync-world'
import { tempFolder } from '../../testing/workspace'
import { commandRequestSha256 } from '../commands/applied-commands'
import { ServerClient } from './server-client'

const folder = tempFolder()
let server: SyncServer
let client: ServerClient

beforeAll(async () => {
  server = await startSyncServer(folder.path('server.sqlite'), '2026-03-02T09:00:00.000Z')
  client = new ServerClient(server.http.url, server.token)
})
afterAll(async () => {
  await server.close()
  folder.remove()
})

const namedOnServer = async (name: string) => (await server.call('applications.list', { search: name })).applications.filter((app) => app.name === name)

describe('a command pushed to the server', () => {
  it('is applied when pushed again after the server applied it: answered as the first time, and made once', async () => {
    const input = { id: 'app_claims', name: 'Claims Bot', tags: ['prod'] }
    expect(await client.send('applications.create', input, 'cmd_claims')).toEqual({ kind: 'applied' })
    expect(await client.send('applications.create', input, 'cmd_claims')).toEqual({ kind: 'applied' })
    expect(await namedOnServer('Claims Bot')).toHaveLength(1)
  })

  it('is applied when a server of an earlier version applied it but lost its answer, and refuses it on its key', async () => {
    const actor = (await server.engine.authenticate(server.token))!
    const input = { id: 'app_fraud', name: 'Fraud Scorer', tags: [], team: null, environment: null }
    // What such a server left when it died between the change's commit and keeping its answer.
    await server.call('applications.create', input)
    await server.parts.context.bookkeep((tx) =>
      tx
        .insertInto('applied_commands')
        .values({ actor_id: actor.id, id: 'cmd_fraud', procedure: 'applications.create', request_sha256: commandRequestSha256('applications.create', input), applied_at: '2026-03-01T12:00:00.000Z', answer_json: null })
        .execute(),
    )
    expect(await client.send('applications.create', input, 'cmd_fraud')).toEqual({ kind: 'applied' })
    expect(await namedOnServer('Fraud Scorer')).toHaveLength(1)
  })

  it('is a rejection when the server refuses the change itself', async () => {
    expect(await client.send('applications.create', { id: 'app_twin', name: 'Claims Bot' }, 'cmd_twin')).toEqual({ kind: 'rejected', message: expect.stringContaining('Claims Bot') })
  })
})
