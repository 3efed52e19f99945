/**
 * The Reports screen: choose what to report on (the organisation, a policy or an application), as
 * of now or a past moment, and in which format; see the report's summary before generating it;
 * generate it with its progress showing (and Cancel), then save the file; and every past export.
 */
import { Alert, Button, Card, Group, Loader, Progress, Radio, Select, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core'
import { useEffect, useMemo, useRef, useState } from 'react'
import { useWorkspace } from '../../app/workspace-store'
import { notifyDone } from '../../components/feedback'
import { saveBinaryFile } from '../../components/save-file'
import { Onboarding } from '../onboarding/Onboarding'
import { ReportHistory } from './ReportHistory'
import { ReportSummary } from './ReportSummary'
import { FORMAT_CHOICES, FORMAT_LABELS, formatUtc, instantFromLocalInput, localInputFromInstant, reportScope, type ScopeKind } from './report-options'
import { useReports } from './reports-store'

function ReportChoicesCard() {
  const { scopeKind, policyId, applicationId, pastMoment, format, policies, applications, choose } = useReports()
  const policyOptions = useMemo(() => policies.map((policy) => ({ value: policy.id, label: policy.name })), [policies])
  const applicationOptions = useMemo(() => applications.map((app) => ({ value: app.id, label: app.name })), [applications])
  const asOf = instantFromLocalInput(pastMoment)
  const past = pastMoment !== ''
  // A report describes what happened: the latest moment to offer is when the screen opened.
  const [latest] = useState(() => localInputFromInstant(new Date()))
  return (
    <Card withBorder>
      <SimpleGrid cols={{ base: 1, md: 3 }} spacing="xl">
        <Stack gap="xs">
          <Radio.Group label="Scope" value={scopeKind} onChange={(value) => choose({ scopeKind: value as ScopeKind })}>
            <Stack gap={6} mt={6}>
              <Radio value="organization" label="Whole organisation" />
              <Radio value="policy" label="One policy" />
              <Radio value="application" label="One application" />
            </Stack>
          </Radio.Group>
          {scopeKind === 'policy' ? (
            <Select label="Policy" placeholder="Choose a policy" searchable data={policyOptions} value={policyId} onChange={(value) => choose({ policyId: value })} nothingFoundMessage="No policy of that name" />
          ) : null}
          {scopeKind === 'application' ? (
            <Select label="Application" placeholder="Choose an application" searchable limit={200} data={applicationOptions} value={applicationId} onChange={(value) => choose({ applicationId: value })} nothingFoundMessage="No application of that name" />
          ) : null}
        </Stack>
        <Stack gap="xs">
          <Radio.Group label="As of" value={past ? 'past' : 'now'} onChange={(value) => choose({ pastMoment: value === 'now' ? '' : localInputFromInstant(new Date(Date.now() - 86_400_000)) })}>
            <Stack gap={6} mt={6}>
              <Radio value="now" label="Now" />
              <Radio value="past" label="A past date and time" />
            </Stack>
          </Radio.Group>
          {past ? (
            <TextInput
              label="Date and time (your local time)"
              type="datetime-local"
              max={latest}
              value={pastMoment}
              onChange={(event) => choose({ pastMoment: event.currentTarget.value || latest })}
              description={asOf ? `The report describes the workspace at ${formatUtc(asOf)}.` : 'Enter a date and a time.'}
            />
          ) : null}
        </Stack>
        <Radio.Group label="Format" value={format} onChange={(value) => choose({ format: value as typeof format })}>
          <Stack gap="sm" mt={6}>
            {FORMAT_CHOICES.map((choice) => (
              <Radio key={choice.value} value={choice.value} label={choice.label} description={choice.description} />
            ))}
          </Stack>
        </Radio.Group>
      </SimpleGrid>
    </Card>
  )
}

function GenerateBar() {
  const { job, jobError, format, generate, cancel } = useReports()
  const ready = useReports((state) => reportScope(state) !== null)
  const running = job?.state === 'running'
  const percent = job ? Math.round((100 * job.progress.done) / Math.max(1, job.progress.total)) : 0
  const generateButton = useRef<HTMLButtonElement>(null)
  const start = async () => {
    if (running) return
    const done = await generate(saveBinaryFile)
    if (done?.result) notifyDone(`Generated ${done.result.filename}.`, { title: 'Report ready' })
  }
  const stop = async () => {
    await cancel()
    // Cancel goes once the report stops; focus would otherwise fall to the page.
    generateButton.current?.focus()
  }
  return (
    <Stack gap="xs">
      <Group>
        {/* Looks disabled while a report runs but keeps the focus: a disabled button would drop it. */}
        <Button ref={generateButton} onClick={() => void start()} disabled={!ready} data-disabled={running || undefined} aria-disabled={running || undefined}>
          Generate {FORMAT_LABELS[format]}
        </Button>
        {running ? (
          <Button variant="default" onClick={() => void stop()}>
            Cancel
          </Button>
        ) : null}
        {!ready ? (
          <Text size="sm" c="dimmed">
            Choose what the report covers first.
          </Text>
        ) : null}
      </Group>
      {job && job.state !== 'done' ? (
        <div data-testid="report-job" data-state={job.state}>
          {running ? <Progress value={percent} animated aria-label="Generating the report" /> : null}
          <Text size="sm" c="dimmed" mt={4} role="status">
            {running ? `${job.progress.activity}…` : job.state === 'cancelled' ? 'Cancelled. Nothing was exported or recorded.' : null}
          </Text>
        </div>
      ) : null}
      {jobError ? (
        <Alert color="red" title="The report could not be generated">
          {jobError}
        </Alert>
      ) : null}
    </Stack>
  )
}

export function ReportsScreen() {
  const info = useWorkspace((state) => state.info)
  const { scopeKind, preview, previewLoading, previewError, history, historyError, loadChoices, loadPreview, loadHistory } = useReports()

  useEffect(() => {
    if (!info || info.is_empty || info.loading_sample) return
    void loadChoices()
    void loadPreview()
    void loadHistory()
  }, [info, loadChoices, loadPreview, loadHistory])

  if (info?.is_empty || info?.loading_sample) return <Onboarding />

  return (
    <Stack>
      <div>
        <Title order={2}>Reports</Title>
        <Text c="dimmed" size="sm">
          Audit reports of what the policies required, which applications met them, the gaps, sign-offs and exceptions — now or at any past moment. Every export is recorded in the audit trail.
        </Text>
      </div>
      <ReportChoicesCard />
      <Card withBorder>
        <Stack>
          <Group justify="space-between" align="flex-start">
            <div>
              <Title order={3} size="h4">
                Summary
              </Title>
              {preview ? (
                <Text size="sm" c="dimmed" data-testid="preview-period">
                  From {preview.period_start.slice(0, 10)} to {formatUtc(preview.as_of)}
                </Text>
              ) : null}
            </div>
            {previewLoading ? <Loader size="sm" aria-label="Loading the summary" /> : null}
          </Group>
          {previewError ? (
            <Alert color="red" title="Could not read the summary">
              {previewError}
            </Alert>
          ) : null}
          {preview ? (
            <ReportSummary preview={preview} />
          ) : !previewLoading && !previewError ? (
            <Text size="sm" c="dimmed">
              Choose the {scopeKind === 'policy' ? 'policy' : 'application'} to report on, and its summary shows here.
            </Text>
          ) : null}
          <GenerateBar />
        </Stack>
      </Card>
      <Card withBorder>
        <Title order={3} size="h4" mb="xs">
          Past exports
        </Title>
        {historyError ? (
          <Alert color="red" title="Could not read the past exports" mb="xs">
            {historyError}
          </Alert>
        ) : null}
        <ReportHistory exports={history} />
      </Card>
    </Stack>
  )
}
