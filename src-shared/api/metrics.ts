import { z } from 'zod'
import { ApplicationId } from '../domain/application'
import { Timestamp } from '../domain/common'
import { MetricKey } from '../domain/metrics'
import { BatchId, InferenceFormat, InferenceImportResult, IngestRequest, IngestResult, MetricPoint } from '../domain/observations'
import { procedure } from './procedure'

const ImportId = z.string().regex(/^imp_[A-Za-z0-9_-]+$/, 'must be an import id such as imp_…')

export const metricsApi = {
  'metrics.ingest': procedure({
    summary: 'Send monitoring observations for an application; the whole batch is stored, or none of it.',
    access: 'manage',
    input: IngestRequest,
    output: IngestResult,
    rest: { method: 'POST', path: '/applications/{id}/metrics' },
    payload: 'bulk',
  }),
  'metrics.series': procedure({
    summary: 'One metric of an application, hour by hour, as stored.',
    access: 'read',
    input: z.strictObject({
      id: ApplicationId,
      metric: MetricKey,
      from: Timestamp.optional(),
      to: Timestamp.optional(),
    }),
    output: z.object({ application_id: ApplicationId, metric: MetricKey, points: z.array(MetricPoint) }),
    rest: { method: 'GET', path: '/applications/{id}/metrics/{metric}' },
  }),
  'inferences.import': procedure({
    summary: 'Import per-inference events (JSONL or CSV) in one call; all lines are stored, or none.',
    access: 'manage',
    // `content` holds the file; without it, the file is the request's upload (a stream of text).
    input: z.strictObject({ id: ApplicationId, format: InferenceFormat, content: z.string().min(1, 'content is empty').optional(), batch_id: BatchId.optional() }),
    output: InferenceImportResult,
    rest: { method: 'POST', path: '/applications/{id}/inferences' },
    payload: 'upload',
  }),
  // A large file travels in parts so the console can show progress; nothing is stored until commit.
  'inferences.begin': procedure({
    summary: 'Start importing a file of per-inference events in parts.',
    access: 'manage',
    input: z.strictObject({ id: ApplicationId, format: InferenceFormat, file_name: z.string().max(500).default('') }),
    output: z.object({ import_id: ImportId }),
  }),
  'inferences.append': procedure({
    summary: 'Add the next part of an import: whole lines, checked at once.',
    access: 'manage',
    input: z.strictObject({ import_id: ImportId, part: z.number().int().min(0), text: z.string() }),
    output: z.object({ import_id: ImportId, lines: z.number().int() }),
    payload: 'bulk',
  }),
  'inferences.commit': procedure({
    summary: 'Store every part of an import in one transaction.',
    access: 'manage',
    input: z.strictObject({ import_id: ImportId }),
    output: InferenceImportResult,
  }),
  'inferences.cancel': procedure({
    summary: 'Drop an import that was not committed.',
    access: 'manage',
    input: z.strictObject({ import_id: ImportId }),
    output: z.object({ cancelled: z.boolean() }),
  }),
}
