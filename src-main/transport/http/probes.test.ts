/** /healthz and /readyz over real HTTP, without credentials, as a load balancer asks them. */
import { request } from 'node:http'
import BetterSqlite3 from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import { openEngine } from '../../engine/engine'
import { tempFolder } from '../../testing/workspace'
import { startServer } from './server'

const folder = tempFolder()
afterAll(() => folder.remove())

async function servedWorkspace(name: string, options: { host?: string; allowedHosts?: string[] } = {}) {
  const engine = await openEngine(folder.path(name))
  const server = await startServer({ engine, port: 0, log: () => undefined, ...options })
  return {
    engine,
    server,
    stop: async () => {
      await server.close()
      await engine.close()
    },
  }
}

async function probe(url: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url)
  return { status: response.status, body: await response.json() }
}

/** A request addressed to a Host of our choosing, as a prober using an address of its own sends it. */
function statusWithHost(url: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    request(url, { headers: { host } }, (res) => {
      res.resume()
      resolve(res.statusCode ?? 0)
    })
      .on('error', reject)
      .end()
  })
}

describe('the probes', () => {
  it('answer ok and ready without credentials, touching nothing else', async () => {
    const { server, stop } = await servedWorkspace('ready.sqlite')
    try {
      expect(await probe(`${server.url}/healthz`)).toEqual({ status: 200, body: { status: 'ok' } })
      expect(await probe(`${server.url}/readyz`)).toEqual({ status: 200, body: { status: 'ready' } })
      const headers = (await fetch(`${server.url}/readyz`)).headers
      expect(headers.get('cache-control')).toBe('no-store')
      expect(headers.get('x-content-type-options')).toBe('nosniff')
    } finally {
      await stop()
    }
  })

  it('answer a prober addressing the server by a name not on the list, while everything else still refuses it', async () => {
    const { server, stop } = await servedWorkspace('hosts.sqlite', { host: '127.0.0.1', allowedHosts: ['governance.example.com'] })
    try {
      for (const path of ['/healthz', '/readyz', '/readyz?from=lb']) expect(await statusWithHost(`${server.url}${path}`, '10.1.2.3:4780'), path).toBe(200)
      for (const path of ['/api/v1/me', '/', '/healthz/more']) expect(await statusWithHost(`${server.url}${path}`, '10.1.2.3:4780'), path).toBe(403)
      expect(await statusWithHost(`${server.url}/api/v1/me`, 'governance.example.com')).toBe(401)
    } finally {
      await stop()
    }
  })

  it('say not ready once a newer console has upgraded the workspace under the server, and alive still', async () => {
    const { server, engine, stop } = await servedWorkspace('upgraded.sqlite')
    try {
      const newer = new BetterSqlite3(engine.path)
      newer.prepare('INSERT INTO kysely_migration (name, timestamp) VALUES (?, ?)').run('9999_from_a_newer_console', new Date().toISOString())
      newer.close()
      expect(await probe(`${server.url}/readyz`)).toEqual({
        status: 503,
        body: { status: 'not_ready', reason: 'migrations_ahead', message: expect.stringContaining('upgrade this server') },
      })
      expect((await probe(`${server.url}/healthz`)).status).toBe(200)
    } finally {
      await stop()
    }
  })

  it('say not ready once the workspace is closed', async () => {
    const { server, engine } = await servedWorkspace('closed.sqlite')
    try {
      await engine.close()
      expect(await probe(`${server.url}/readyz`)).toEqual({ status: 503, body: { status: 'not_ready', reason: 'closed', message: expect.any(String) } })
      expect((await probe(`${server.url}/healthz`)).status).toBe(200)
    } finally {
      await server.close()
    }
  })
})
