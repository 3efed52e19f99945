/**
 * Sending a file of per-inference events in parts of whole lines, so a large file shows progress
 * and the engine checks each part as it arrives. Nothing is stored until the last part commits;
 * on any error the import is cancelled.
 */
import type { InferenceFormat, InferenceImportResult } from '../../../src-shared/domain/observations'
import { client } from '../../api/client'

const PART_BYTES = 1_000_000

export function formatOf(fileName: string): InferenceFormat | undefined {
  const name = fileName.toLowerCase()
  return name.endsWith('.jsonl') || name.endsWith('.ndjson') ? 'jsonl' : name.endsWith('.csv') ? 'csv' : undefined
}

/** Splits text into parts of about PART_BYTES characters, each ending at a line break. */
export function splitIntoParts(text: string, size = PART_BYTES): string[] {
  const parts: string[] = []
  let start = 0
  while (start < text.length) {
    let end = Math.min(text.length, start + size)
    if (end < text.length) {
      const lineEnd = text.indexOf('\n', end)
      end = lineEnd === -1 ? text.length : lineEnd + 1
    }
    parts.push(text.slice(start, end))
    start = end
  }
  return parts
}

export async function uploadInferences(applicationId: string, file: File, onProgress: (fraction: number) => void): Promise<InferenceImportResult> {
  const format = formatOf(file.name)
  if (!format) throw new Error('Choose a .jsonl or .csv file')
  const text = await file.text()
  const parts = splitIntoParts(text)
  const { import_id } = await client.call('inferences.begin', { id: applicationId, format, file_name: file.name })
  try {
    let sent = 0
    for (const [part, chunk] of parts.entries()) {
      await client.call('inferences.append', { import_id, part, text: chunk })
      sent += chunk.length
      onProgress(sent / Math.max(1, text.length))
    }
    return await client.call('inferences.commit', { import_id })
  } catch (error) {
    await client.call('inferences.cancel', { import_id }).catch(() => undefined)
    throw error
  }
}
