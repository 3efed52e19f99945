/** Import a JSONL or CSV file of inference events into one application, with progress. */
import { Alert, Button, FileInput, Group, Modal, Progress, Stack, Text } from '@mantine/core'
import { useState } from 'react'
import type { InferenceImportResult } from '../../../src-shared/domain/observations'
import { formatDate } from '../../components/format'
import { uploadInferences } from './inference-upload'

export function ImportInferencesModal({ applicationId, applicationName, opened, onClose }: { applicationId: string; applicationName: string; opened: boolean; onClose: () => void }) {
  const [file, setFile] = useState<File | null>(null)
  const [progress, setProgress] = useState<number | null>(null)
  const [result, setResult] = useState<InferenceImportResult>()
  const [error, setError] = useState<string>()

  function close() {
    setFile(null)
    setProgress(null)
    setResult(undefined)
    setError(undefined)
    onClose()
  }

  async function start() {
    if (!file) return
    setError(undefined)
    setResult(undefined)
    setProgress(0)
    try {
      setResult(await uploadInferences(applicationId, file, setProgress))
      setProgress(1)
    } catch (cause) {
      setError((cause as Error).message)
      setProgress(null)
    }
  }

  const running = progress !== null && !result && !error
  return (
    <Modal opened={opened} onClose={close} title={`Import inference data into ${applicationName}`} size="lg">
      <Stack>
        <Text size="sm" c="dimmed">
          A JSONL or CSV file with a timestamp per inference and any of latency_ms, error, pii, sensitive_data, credit_card, gov_id, prompt_injection, toxicity, jailbreak,
          hallucination, task_completed, coherence and user_satisfaction. Every line is checked; nothing is stored unless all of them pass.
        </Text>
        <FileInput label="Events file" placeholder="events.jsonl or events.csv" accept=".jsonl,.ndjson,.csv" value={file} onChange={setFile} disabled={running} clearable />
        {progress !== null ? <Progress value={progress * 100} aria-label="Import progress" size="lg" animated={running} /> : null}
        {error ? (
          <Alert color="red" title="Nothing was imported">
            {error}
          </Alert>
        ) : null}
        {result ? (
          <Alert color="green" title={result.duplicate_batch ? 'Already imported' : 'Imported'} data-testid="import-result">
            {result.duplicate_batch
              ? 'This file was imported before; nothing changed.'
              : `${result.events} events into ${result.buckets} hourly buckets, ${formatDate(result.first_timestamp)} to ${formatDate(result.last_timestamp)}.`}
            {result.ignored_fields.length > 0 ? ` Ignored columns: ${result.ignored_fields.join(', ')}.` : ''}
          </Alert>
        ) : null}
        <Group justify="flex-end">
          <Button variant="default" onClick={close} disabled={running}>
            {result ? 'Done' : 'Cancel'}
          </Button>
          {!result ? (
            <Button onClick={() => void start()} disabled={!file} loading={running}>
              Import
            </Button>
          ) : null}
        </Group>
      </Stack>
    </Modal>
  )
}
