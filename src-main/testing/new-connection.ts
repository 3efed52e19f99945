/** Asking a server on a connection of its own, as a new client would: how shutdown tests see it stop taking them. */
import { get } from 'node:http'

/** The answer's status, or the code of the error that stopped the request (ECONNREFUSED once no connection is taken). */
export function statusOnNewConnection(url: string): Promise<number | string> {
  return new Promise((resolve) => {
    get(url, { agent: false }, (res) => {
      res.resume()
      resolve(res.statusCode ?? 0)
    }).on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message))
  })
}
