/** Past exports, newest first: when, who, what and as of when, and the file's name, SHA-256 and size. */
import { ActionIcon, Group, Text, Tooltip, VisuallyHidden } from '@mantine/core'
import { IconCheck, IconCopy } from '@tabler/icons-react'
import { useState } from 'react'
import type { ReportExport } from '../../../src-shared/domain/reports'
import { DataTable, type DataColumn } from '../../components/DataTable'
import { FullLabelBadge } from '../../components/FullLabelBadge'
import { TruncatedText } from '../../components/TruncatedText'
import { notifyFailed } from '../../components/feedback'
import { formatDate } from '../../components/format'
import { FORMAT_LABELS, describeScope, formatSize } from './report-options'

/** The first characters of a hash: enough to tell files apart at a glance. */
const SHORT_HASH = 12

function Sha256({ exported }: { exported: ReportExport }) {
  const [copied, setCopied] = useState(false)
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(exported.sha256)
      setCopied(true)
      setTimeout(() => setCopied(false), 1500)
    } catch {
      // Browsers offer the clipboard only to HTTPS pages or a console on this computer.
      notifyFailed(`The full SHA-256 of ${exported.filename} is ${exported.sha256}`, 'Could not copy to the clipboard')
    }
  }
  return (
    <Group gap={4} wrap="nowrap">
      <Text size="sm" ff="monospace" title={exported.sha256} data-testid="export-sha256" data-sha256={exported.sha256}>
        <span aria-hidden="true">{exported.sha256.slice(0, SHORT_HASH)}…</span>
        <VisuallyHidden>{exported.sha256}</VisuallyHidden>
      </Text>
      <Tooltip label={copied ? 'Copied' : 'Copy the full SHA-256'} withinPortal>
        <ActionIcon variant="subtle" color={copied ? 'green' : 'gray'} size="sm" aria-label={`Copy the SHA-256 of ${exported.filename}`} onClick={() => void copy()}>
          {copied ? <IconCheck size={14} aria-hidden="true" /> : <IconCopy size={14} aria-hidden="true" />}
        </ActionIcon>
      </Tooltip>
    </Group>
  )
}

const columns: Array<DataColumn<ReportExport>> = [
  { key: 'generated_at', header: 'When', width: '14%', cell: (row) => formatDate(row.generated_at) },
  { key: 'generated_by', header: 'Who', width: '11%', cell: (row) => <TruncatedText>{row.generated_by.name}</TruncatedText> },
  {
    key: 'format',
    header: 'Format',
    width: 130,
    cell: (row) => (
      <FullLabelBadge variant="light" color="gray">
        {FORMAT_LABELS[row.format]}
      </FullLabelBadge>
    ),
  },
  { key: 'scope', header: 'Scope', cell: (row) => <TruncatedText>{describeScope(row.scope)}</TruncatedText> },
  { key: 'as_of', header: 'As of', width: '14%', cell: (row) => formatDate(row.as_of) },
  { key: 'filename', header: 'File', cell: (row) => <TruncatedText monospace size="sm">{row.filename}</TruncatedText> },
  { key: 'sha256', header: 'SHA-256', width: 170, cell: (row) => <Sha256 exported={row} /> },
  { key: 'size', header: 'Size', width: 90, cell: (row) => formatSize(row.size) },
]

export function ReportHistory({ exports }: { exports: readonly ReportExport[] }) {
  return (
    <DataTable
      label="Past exports"
      rows={exports}
      columns={columns}
      rowKey={(row) => row.id}
      rowTestId="export-row"
      minWidth={960}
      empty={<Text c="dimmed" size="sm">No report has been exported from this workspace yet.</Text>}
    />
  )
}
