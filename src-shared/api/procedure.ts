/**
 * The building block of the contract: one procedure = a name, zod schemas for its input and
 * output, whether it reads or writes, and (for the public REST API) the route it answers on.
 * The IPC bridge, the HTTP routes and the renderer client are all derived from these maps.
 */
import { z } from 'zod'

/**
 * 'read' answers; 'write' changes the workspace and is for the roles that administer it;
 * 'attest' changes it too but is open to every role, as the engine itself decides who may sign
 * what off (the reviewers a rule names, and org admins).
 */
export type Access = 'read' | 'write' | 'attest'

export interface RestRoute {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE'
  /** Path under /api/v1, with `{param}` placeholders that map onto input fields. */
  path: string
  /** Status on success; 200 unless said otherwise. */
  status?: 200 | 201 | 204
  /**
   * The answer is a file rather than JSON: the procedure answers a CsvFile, and over REST the
   * response is the file itself, to download. Other transports (IPC) get the CsvFile value.
   */
  produces?: 'text/csv'
}

/** A CSV file as a value: what IPC hands the desktop console to save, and REST sends as the body. */
export const CsvFile = z.object({
  /** A safe name to save it as, such as audit-log-2026-03-01T10-30-00Z.csv. */
  filename: z.string().regex(/^[A-Za-z0-9._-]+\.csv$/),
  /** The file's text: RFC 4180, header row first. */
  csv: z.string(),
})
export type CsvFile = z.infer<typeof CsvFile>

/**
 * How much a call may send. Most calls are small; monitoring data and files come in bulk; a file
 * may also be sent as a stream of text (an upload), which the engine reads as it arrives.
 */
export type Payload = 'small' | 'bulk' | 'upload'

export interface Procedure<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  summary: string
  access: Access
  input: I
  output: O
  rest?: RestRoute
  /** 'small' unless said otherwise. */
  payload?: Payload
}

export type ProcedureMap = Record<string, Procedure>

export function procedure<I extends z.ZodType, O extends z.ZodType>(definition: Procedure<I, O>): Procedure<I, O> {
  return definition
}

export type InputOf<P> = P extends Procedure<infer I, z.ZodType> ? z.input<I> : never
export type ParsedInputOf<P> = P extends Procedure<infer I, z.ZodType> ? z.output<I> : never
export type OutputOf<P> = P extends Procedure<z.ZodType, infer O> ? z.output<O> : never
