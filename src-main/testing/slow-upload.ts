/**
 * A per-inference CSV file sent as the request body by a slow client: the server reads it as it
 * arrives, so the request stays under way, for as long as the test likes, until `finish`.
 */
import { Agent, request, type IncomingHttpHeaders } from 'node:http'

export interface Answer {
  status: number
  headers: IncomingHttpHeaders
  body: string
}

export interface SlowUpload {
  /** Sends the rest of the file; resolves with the server's answer. */
  finish(): Promise<Answer>
  /** The server's answer, or the error of a connection cut before one came. */
  answer: Promise<Answer>
}

/** Inference rows an hour old (within any retention window), `count` of them. */
export function inferenceRows(count: number): string {
  const hour = new Date(Date.now() - 3_600_000).toISOString()
  return `${hour},800,false\n`.repeat(count)
}

/**
 * Resolves once the server has taken the request (it answers `Expect: 100-continue` as it starts
 * the request) and the CSV header and first rows are sent; the connection is a keep-alive one, so
 * whatever says `Connection: close` in the answer is the server's own doing.
 */
export async function startSlowUpload(url: string, token: string, firstRows: string): Promise<SlowUpload> {
  const agent = new Agent({ keepAlive: true })
  const req = request(url, {
    method: 'POST',
    agent,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv', expect: '100-continue' },
  })
  const answer = new Promise<Answer>((resolve, reject) => {
    req.on('response', (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => (body += chunk))
      res.on('end', () => {
        agent.destroy()
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body })
      })
    })
    req.on('error', (error) => {
      agent.destroy()
      reject(error)
    })
  })
  answer.catch(() => undefined)
  await Promise.race([new Promise((resolve) => req.once('continue', resolve)), answer])
  req.write(`timestamp,latency_ms,pii\n${firstRows}`)
  return {
    answer,
    finish: () => {
      req.end(inferenceRows(1))
      return answer
    },
  }
}
