/**
 * The sync's state in the header of every screen, for a workspace connected to a server: "Synced
 * 2 min ago", a pull's progress, "Offline — 3 changes waiting", and the problems to settle. It
 * opens a panel with the details, "Sync now" and each problem. A workspace on its own shows nothing.
 */
import { Badge, Box, Button, Group, Loader, Popover, Progress, Stack, Table, Text, VisuallyHidden } from '@mantine/core'
import { useState } from 'react'
import type { SyncProblem, SyncStatus } from '../../../src-shared/domain/sync'
import { FormError } from '../../components/FormError'
import { formatDate } from '../../components/format'
import { SyncProblemModal } from './SyncProblemModal'
import { useSync } from './sync-store'
import { STATE_LABEL, formatAgo, plural, progressPercent, syncHeadline, type SyncTone } from './sync-wording'

const TONE_COLOUR: Record<SyncTone, string> = { online: 'green', syncing: 'indigo', offline: 'gray' }

function ProgressBar({ status }: { status: SyncStatus }) {
  const percent = progressPercent(status)
  if (percent === undefined) return <Loader size="xs" aria-label="Syncing" />
  const { done, total } = status.progress!
  return <Progress value={percent} size="sm" w={120} aria-label={`Sync progress: ${done.toLocaleString()} of ${total.toLocaleString()}`} data-testid="sync-progress" />
}

function ProblemItem({ problem, onReview }: { problem: SyncProblem; onReview(): void }) {
  return (
    <Box data-testid="sync-problem" py={6} style={{ borderTop: '1px solid var(--mantine-color-default-border)' }}>
      <Group justify="space-between" wrap="nowrap" align="flex-start">
        <Stack gap={2} style={{ minWidth: 0 }}>
          <Text size="sm" fw={600} style={{ overflowWrap: 'anywhere' }}>
            {problem.summary}
          </Text>
          <Text size="xs" c="dimmed">
            {problem.kind === 'conflict' ? 'Conflict' : 'Refused'} · made {formatDate(problem.made_at)}
          </Text>
          <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
            {problem.message}
          </Text>
        </Stack>
        <Button size="compact-sm" variant="light" onClick={onReview} aria-label={`Review: ${problem.summary}`}>
          Review
        </Button>
      </Group>
    </Box>
  )
}

function SyncPanel({ status, readAt, onReview }: { status: SyncStatus; readAt: number; onReview(problem: SyncProblem): void }) {
  const syncNow = useSync((state) => state.syncNow)
  const [syncing, setSyncing] = useState(false)
  const [error, setError] = useState<string>()
  const rows: Array<[string, React.ReactNode]> = [
    ['Server', <Text key="url" size="sm" ff="monospace" style={{ overflowWrap: 'anywhere' }}>{status.server_url ?? '—'}</Text>],
    ['State', STATE_LABEL[status.state]],
    ['Last synced', status.last_synced_at ? `${formatAgo(status.last_synced_at, readAt)} (${formatDate(status.last_synced_at)})` : 'Not yet'],
    ['Changes waiting', status.pending ? `${plural(status.pending, 'change')} made here, not yet on the server` : 'None'],
  ]
  if (status.last_error) rows.push(['Last error', status.last_error])

  return (
    <Stack gap="sm">
      <Text fw={600} id="sync-panel-title">
        Sync with the server
      </Text>
      {status.state === 'syncing' ? <ProgressBar status={status} /> : null}
      <Table withRowBorders={false} verticalSpacing={4} data-testid="sync-facts">
        <Table.Tbody>
          {rows.map(([label, value]) => (
            <Table.Tr key={label}>
              <Table.Th w={130} fz="sm">
                {label}
              </Table.Th>
              <Table.Td fz="sm">{value}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <FormError message={error} />
      <Group justify="flex-end">
        <Button
          size="sm"
          loading={syncing}
          disabled={status.state === 'syncing'}
          onClick={() => {
            setSyncing(true)
            setError(undefined)
            syncNow()
              .catch((failure: unknown) => setError((failure as Error).message))
              .finally(() => setSyncing(false))
          }}
        >
          Sync now
        </Button>
      </Group>
      {status.problems.length ? (
        <Stack gap={0} aria-labelledby="sync-problems-title" role="group">
          <Text fw={600} size="sm" id="sync-problems-title">
            {plural(status.problems.length, 'change')} the server refused
          </Text>
          <Text size="xs" c="dimmed" mb={4}>
            Each waits on this computer until you choose what to do with it.
          </Text>
          {status.problems.map((problem) => (
            <ProblemItem key={problem.command_id} problem={problem} onReview={() => onReview(problem)} />
          ))}
        </Stack>
      ) : null}
    </Stack>
  )
}

export function SyncStatusControl() {
  const status = useSync((state) => state.status)
  const readAt = useSync((state) => state.readAt)
  const [opened, setOpened] = useState(false)
  const [reviewing, setReviewing] = useState<string>()
  if (!status) return null
  const headline = syncHeadline(status, readAt)
  if (!headline) return null
  // Read from the latest status: a problem settled elsewhere closes its dialog.
  const problem = status.problems.find((candidate) => candidate.command_id === reviewing)
  const problems = status.problems.length

  return (
    <>
      <Popover opened={opened} onChange={setOpened} position="bottom-end" width={440} shadow="md" trapFocus returnFocus withArrow>
        <Popover.Target>
          <Button variant="default" onClick={() => setOpened((open) => !open)} data-testid="sync-status" data-state={status.state} leftSection={<Box w={8} h={8} bg={`${TONE_COLOUR[headline.tone]}.6`} style={{ borderRadius: '50%' }} aria-hidden />}>
            <Group gap={6} wrap="nowrap">
              <Text size="sm" span>
                {headline.label}
              </Text>
              {status.state === 'syncing' && progressPercent(status) !== undefined ? <Progress value={progressPercent(status)!} size="xs" w={60} aria-hidden /> : null}
              {problems ? (
                <Badge size="sm" color="orange" variant="light" data-testid="sync-problem-count">
                  {problems}
                  <VisuallyHidden> {problems === 1 ? 'problem' : 'problems'} to settle</VisuallyHidden>
                </Badge>
              ) : null}
            </Group>
          </Button>
        </Popover.Target>
        <Popover.Dropdown aria-labelledby="sync-panel-title">
          <SyncPanel
            status={status}
            readAt={readAt}
            onReview={(chosen) => {
              setOpened(false)
              setReviewing(chosen.command_id)
            }}
          />
        </Popover.Dropdown>
      </Popover>
      <SyncProblemModal problem={problem} onClose={() => setReviewing(undefined)} />
    </>
  )
}
