/** Settings → People: the directory policies draw owners, reviewers and escalation contacts from. */
import { Alert, Badge, Button, Card, Group as Row, Modal, Stack, Table, Text } from '@mantine/core'
import { useEffect, useState } from 'react'
import type { Group, User } from '../../../src-shared/domain/people'
import { GroupForm } from './GroupForm'
import { PersonLifecycleButton } from './PersonLifecycleButton'
import { PersonStatusBadge } from './PersonStatusBadge'
import { UserForm } from './UserForm'
import { groupName, usePeople } from './people-store'
import { ROLE_LABELS } from './roles'

type Editing = { kind: 'user'; user?: User } | { kind: 'group'; group?: Group } | undefined

function editingTitle(editing: NonNullable<Editing>): string {
  if (editing.kind === 'user') return editing.user ? `Edit ${editing.user.name}` : 'Add user'
  return editing.group ? `Members of ${editing.group.name}` : 'New group'
}

export function PeopleSection() {
  const { users, groups, error, load } = usePeople()
  const [editing, setEditing] = useState<Editing>()

  useEffect(() => {
    void load()
  }, [load])

  // Inactive members stay in their groups on record; the list says who no longer counts.
  const memberName = (id: string) => {
    const user = users.find((candidate) => candidate.id === id)
    if (!user) return id
    return user.active ? user.name : `${user.name} (inactive)`
  }

  return (
    <Card withBorder>
      <Stack>
        <Text fw={600}>People</Text>
        {error ? <Alert color="red">{error}</Alert> : null}
        <Row justify="space-between">
          <Text size="sm" c="dimmed">
            Users own policies, review attestations and receive escalations. Deactivating someone keeps them on record.
          </Text>
          <Button size="xs" onClick={() => setEditing({ kind: 'user' })}>
            Add user
          </Button>
        </Row>
        <Table aria-label="Users" striped>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Email</Table.Th>
              <Table.Th>Role</Table.Th>
              <Table.Th>Groups</Table.Th>
              <Table.Th>Status</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {users.map((user) => (
              <Table.Tr key={user.id} data-testid="user-row">
                <Table.Td>{user.name}</Table.Td>
                <Table.Td>{user.email ?? '—'}</Table.Td>
                <Table.Td>{ROLE_LABELS[user.role]}</Table.Td>
                <Table.Td>
                  <Row gap={4}>
                    {user.group_ids.map((id) => (
                      <Badge key={id} variant="light" size="sm">
                        {groupName(groups, id)}
                      </Badge>
                    ))}
                  </Row>
                </Table.Td>
                <Table.Td>
                  <PersonStatusBadge user={user} />
                </Table.Td>
                <Table.Td>
                  <Row gap={4} wrap="nowrap" preventGrowOverflow={false}>
                    <Button size="xs" variant="subtle" aria-label={`Edit ${user.name}`} onClick={() => setEditing({ kind: 'user', user })}>
                      Edit
                    </Button>
                    <PersonLifecycleButton user={user} />
                  </Row>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>

        <Row justify="space-between" mt="md">
          <Text size="sm" c="dimmed">
            Groups can own a policy or attest as one.
          </Text>
          <Button size="xs" onClick={() => setEditing({ kind: 'group' })}>
            New group
          </Button>
        </Row>
        <Table aria-label="Groups" striped>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Description</Table.Th>
              <Table.Th>Members</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {groups.map((group) => (
              <Table.Tr key={group.id} data-testid="group-row">
                <Table.Td>{group.name}</Table.Td>
                <Table.Td>{group.description ?? '—'}</Table.Td>
                <Table.Td>{group.member_ids.map(memberName).join(', ') || '—'}</Table.Td>
                <Table.Td>
                  <Button
                    size="xs"
                    variant="subtle"
                    aria-label={`Edit members of ${group.name}`}
                    onClick={() => setEditing({ kind: 'group', group })}
                  >
                    Edit members
                  </Button>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Stack>

      <Modal opened={editing !== undefined} onClose={() => setEditing(undefined)} title={editing ? editingTitle(editing) : ''}>
        {editing?.kind === 'user' ? <UserForm user={editing.user} onDone={() => setEditing(undefined)} /> : null}
        {editing?.kind === 'group' ? <GroupForm group={editing.group} onDone={() => setEditing(undefined)} /> : null}
      </Modal>
    </Card>
  )
}
