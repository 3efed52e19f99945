/** Attestation rules as a table: cadence, reviewers, deadline, escalation and what an overdue one blocks. */
import { Badge, Table, Text } from '@mantine/core'
import type { ReactNode } from 'react'
import type { AttestationRule } from '../../../src-shared/domain/rules'
import { principalName, usePeople } from '../people/people-store'
import { describeFrequency } from './describe'

interface Props {
  label: string
  rules: readonly AttestationRule[]
  /** A leading cell per row, e.g. the wizard's checkbox; without it the rule's name is shown. */
  renderLead?(rule: AttestationRule): ReactNode
}

export function AttestationRulesTable({ label, rules, renderLead }: Props) {
  const { users, groups } = usePeople()
  const names = (refs: AttestationRule['reviewers']) => refs.map((ref) => principalName(ref, users, groups)).join(', ') || '—'
  return (
    <Table aria-label={label} verticalSpacing="xs">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Rule</Table.Th>
          <Table.Th>Frequency</Table.Th>
          <Table.Th>Reviewers</Table.Th>
          <Table.Th>Deadline</Table.Th>
          <Table.Th>Escalation</Table.Th>
          <Table.Th>Notes</Table.Th>
          <Table.Th>When overdue</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {rules.map((rule) => (
          <Table.Tr key={rule.id} data-testid="attestation-rule-row">
            <Table.Td>{renderLead ? renderLead(rule) : <Text size="sm">{rule.name}</Text>}</Table.Td>
            <Table.Td>{describeFrequency(rule)}</Table.Td>
            <Table.Td>{names(rule.reviewers)}</Table.Td>
            <Table.Td>{rule.deadline_days} days</Table.Td>
            <Table.Td>{names(rule.escalation_path)}</Table.Td>
            <Table.Td>{rule.notes_required ? 'Required' : 'Optional'}</Table.Td>
            <Table.Td>
              <Badge variant="light" color={rule.blocking === 'block' ? 'red' : 'yellow'} size="sm">
                {rule.blocking === 'block' ? 'Block' : 'Warn only'}
              </Badge>
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  )
}
