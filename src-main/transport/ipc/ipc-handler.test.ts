import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Engine } from '../../engine/engine'
import { TEST_OWNER, openTestEngine, tempFolder } from '../../testing/workspace'
import { createIpcHandler } from './ipc-handler'

const folder = tempFolder()
let engine: Engine
beforeAll(async () => {
  engine = (await openTestEngine(folder.path('ipc.sqlite'))).engine
})
afterAll(async () => {
  await engine.close()
  folder.remove()
})

const CONSOLE = 'file:///opt/governance-console/out/renderer/index.html'

describe('the IPC handler', () => {
  const handle = () =>
    createIpcHandler({ engine, actor: async () => TEST_OWNER, isTrustedUrl: (url) => url.split('#')[0] === CONSOLE, log: () => undefined })

  it('serves calls from the console’s own frame', async () => {
    const result = await handle()({ senderFrame: { url: `${CONSOLE}#/applications` } }, 'applications.create', { name: 'Bot' })
    expect(result).toMatchObject({ ok: true, value: { name: 'Bot' } })
  })

  it('refuses calls from any other frame, or from a frame that is gone', async () => {
    for (const senderFrame of [{ url: 'https://evil.example/' }, { url: 'file:///tmp/other.html' }, null]) {
      expect(await handle()({ senderFrame }, 'applications.list', {})).toMatchObject({ ok: false, error: { error: 'forbidden' } })
    }
  })

  it('validates the payload and names the field', async () => {
    const result = await handle()({ senderFrame: { url: CONSOLE } }, 'applications.update', { id: 'not an id', name: 'x' })
    expect(result).toMatchObject({ ok: false, error: { error: 'invalid_input', field: 'id' } })
  })
})
