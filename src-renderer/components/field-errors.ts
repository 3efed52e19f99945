/** Engine errors arrive as values; forms show each message beside the field it names. */
import type { z } from 'zod'
import { ApiError, fieldPath } from '../../src-shared/api/errors'

/**
 * Field path -> first message for it. The whole path is kept (`alert_rules.2.threshold`) so a form
 * can place a message on one row of a list; errors without a field land on `form`.
 */
export function errorsByField(error: unknown): Record<string, string> {
  if (!(error instanceof ApiError)) return { form: (error as Error).message ?? String(error) }
  const issues = error.issues.length ? error.issues : [{ field: error.field ?? '', message: error.message }]
  const byField: Record<string, string> = {}
  for (const issue of issues) byField[issue.field || 'form'] ??= issue.message
  return byField
}

/** The message for a field, or for anything beneath it (`tags` matches `tags.2`). */
export function errorFor(errors: Record<string, string>, field: string): string | undefined {
  if (errors[field]) return errors[field]
  const nested = Object.keys(errors).find((key) => key.startsWith(`${field}.`))
  return nested ? errors[nested] : undefined
}

/**
 * Every issue a schema found, by field path (first message per field), the way the engine would
 * report them: a form checks with the engine's own schema and shows all its errors at once.
 */
export function issuesByField(error: z.ZodError | undefined): Record<string, string> {
  const byField: Record<string, string> = {}
  for (const issue of error?.issues ?? []) byField[fieldPath(issue.path) || 'form'] ??= issue.message
  return byField
}
