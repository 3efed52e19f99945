/**
 * Probes for whatever runs the server (a load balancer, an orchestrator): /healthz says the process
 * answers, /readyz whether it should be sent requests. They need no credentials and answer under
 * any Host name: they say only "ok" or "not ready" and a reason code, nothing of the workspace, and
 * a prober addresses the server by the name or address it knows (a pod's IP, a proxy's upstream),
 * rarely by one listed in --allowed-hosts. A page using DNS rebinding learns from them only that a
 * server is there, which the host check's own refusal tells it anyway.
 */
import type { Context, Hono } from 'hono'
import type { Engine } from '../../engine/engine'
import type { HttpEnv } from './request-log'

export function mountProbes(app: Hono<HttpEnv>, engine: Engine, stopping: AbortSignal): void {
  // Touches nothing but the event loop: an answer means the process is alive and serving.
  app.get('/healthz', (c) => c.json({ status: 'ok' }))
  app.get('/readyz', async (c) => {
    if (stopping.aborted) return notReady(c, 'shutting_down', 'The server is shutting down; requests under way are being finished.')
    const readiness = await engine.readiness()
    return readiness.ready ? c.json({ status: 'ready' }) : notReady(c, readiness.reason, readiness.message)
  })
}

function notReady(c: Context<HttpEnv>, reason: string, message: string): Response {
  return c.json({ status: 'not_ready', reason, message }, 503)
}
