/**
 * The building block of the contract: one procedure = a name, zod schemas for its input and
 * output, whether it reads or writes, and (for the public REST API) the route it answers on.
 * The IPC bridge, the HTTP routes and the renderer client are all derived from these maps.
 */
import { z } from 'zod'

/**
 * What a call does, which decides the roles that may make it (access.ts): 'read' answers;
 * 'manage' changes what is governed (policies, rules, scope, applications and their data);
 * 'administer' changes who may do what (people, groups, tokens, the workspace itself); 'attest'
 * signs off, the engine deciding which reviewers a rule names; 'export' takes the workspace's
 * contents away in bulk: a report (recorded as an audit event) and its job, the audit log as a
 * file, a desktop's copy (the sync feed, rows by key, the snapshot).
 */
export type Access = 'read' | 'manage' | 'administer' | 'attest' | 'export'

export interface RestRoute {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE'
  /** Path under /api/v1, with `{param}` placeholders that map onto input fields. */
  path: string
  /** Status on success; 200 unless said otherwise. */
  status?: 200 | 201 | 204
  /**
   * The answer is a file rather than JSON: the procedure answers a CsvFile ('text/csv') or a
   * BinaryFile ('file'), and over REST the response is the file itself, to download. Other
   * transports (IPC) get the value.
   */
  produces?: 'text/csv' | 'file'
}

/** A CSV file as a value: what IPC hands the desktop console to save, and REST sends as the body. */
export const CsvFile = z.object({
  /** A safe name to save it as, such as audit-log-2026-03-01T10-30-00Z.csv. */
  filename: z.string().regex(/^[A-Za-z0-9._-]+\.csv$/),
  /** The file's text: RFC 4180, header row first. */
  csv: z.string(),
})
export type CsvFile = z.infer<typeof CsvFile>

/** Any other file as a value (a PDF, a zip): its bytes in base64, with the name and type to save it under. */
export const BinaryFile = z.object({
  filename: z.string().regex(/^[A-Za-z0-9._-]+\.(pdf|zip|csv|json)$/),
  content_type: z.enum(['application/pdf', 'application/zip', 'text/csv; charset=utf-8', 'application/json']),
  content_base64: z.string(),
})
export type BinaryFile = z.infer<typeof BinaryFile>

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
