/**
 * Settings → Server connection: connect this workspace to the organisation's server with its
 * address and an API token, or, when connected, see where it syncs and disconnect.
 */
import { Button, Group, PasswordInput, Stack, Table, Text, TextInput } from '@mantine/core'
import { useState } from 'react'
import { ConnectDraft, type SyncStatus } from '../../../src-shared/domain/sync'
import { FormError } from '../../components/FormError'
import { confirmAction, notifyDone, notifyFailed } from '../../components/feedback'
import { errorsByField, issuesByField } from '../../components/field-errors'
import { formatDate } from '../../components/format'
import { client } from '../../api/client'
import { useSync } from './sync-store'
import { STATE_LABEL, plural } from './sync-wording'

/** Where the token is kept, said once: the desktop's keychain, or `govern`'s own file beside the workspace. */
const TOKEN_KEPT =
  client.transport.kind === 'ipc'
    ? 'The token is kept in this computer’s keychain, never in the workspace file.'
    : 'The token is kept by govern in a file only its user can read, beside the workspace, never in the workspace file.'

/**
 * Mantine's PasswordInput neither marks its input invalid nor points it at its error, as its other
 * inputs do; these attributes do, so a screen reader hears why the token was refused.
 */
function passwordAria(id: string, error: string | undefined) {
  return { id, 'aria-invalid': error ? true : undefined, 'aria-describedby': `${error ? `${id}-error ` : ''}${id}-description` }
}

function ConnectForm() {
  const connect = useSync((state) => state.connect)
  const [url, setUrl] = useState('')
  const [token, setToken] = useState('')
  const [errors, setErrors] = useState<Record<string, string>>({})
  const [saving, setSaving] = useState(false)

  async function submit(event: React.FormEvent) {
    event.preventDefault()
    const draft = ConnectDraft.safeParse({ url: url.trim(), token })
    if (!draft.success) return setErrors(issuesByField(draft.error))
    setSaving(true)
    setErrors({})
    try {
      await connect(draft.data)
      setToken('')
      notifyDone(`Connected to ${draft.data.url}. This workspace now syncs with it.`)
    } catch (error) {
      setErrors(errorsByField(error))
    } finally {
      setSaving(false)
    }
  }

  return (
    <form onSubmit={submit} noValidate aria-label="Connect to a server">
      <Stack>
        <Text size="sm">Connect this workspace to your organisation’s governance server: changes made here are sent there, and the server’s are brought here, also after working offline.</Text>
        <TextInput label="Server address" placeholder="https://governance.example.org" required value={url} onChange={(e) => setUrl(e.currentTarget.value)} error={errors.url} autoComplete="url" />
        <PasswordInput
          label="API token"
          description="Ask an administrator of the server for one (govern token create on the server)."
          required
          value={token}
          onChange={(e) => setToken(e.currentTarget.value)}
          error={errors.token}
          autoComplete="off"
          {...passwordAria('connect-token', errors.token)}
        />
        <Text size="sm" c="dimmed">
          {TOKEN_KEPT}
        </Text>
        <FormError message={errors.form} />
        <Group justify="flex-end">
          <Button type="submit" loading={saving}>
            Connect
          </Button>
        </Group>
      </Stack>
    </form>
  )
}

/** A new token for the same server: the old one was revoked, or this computer's keychain was reset. */
function NewTokenForm({ url, onDone }: { url: string; onDone(): void }) {
  const connect = useSync((state) => state.connect)
  const [token, setToken] = useState('')
  const [errors, setErrors] = useState<Record<string, string>>({})
  const [saving, setSaving] = useState(false)

  async function submit(event: React.FormEvent) {
    event.preventDefault()
    const draft = ConnectDraft.safeParse({ url, token })
    if (!draft.success) return setErrors(issuesByField(draft.error))
    setSaving(true)
    setErrors({})
    try {
      await connect(draft.data)
      notifyDone('The new token is kept; this workspace syncs with it from now on.')
      onDone()
    } catch (error) {
      setErrors(errorsByField(error))
    } finally {
      setSaving(false)
    }
  }

  return (
    <form onSubmit={submit} noValidate aria-label="Give a new token">
      <Stack>
        <PasswordInput label="New API token" description="It replaces the token kept for this server." required value={token} onChange={(e) => setToken(e.currentTarget.value)} error={errors.token} autoComplete="off" {...passwordAria('new-token', errors.token)} />
        <FormError message={errors.form ?? errors.url} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onDone}>
            Cancel
          </Button>
          <Button type="submit" loading={saving}>
            Save token
          </Button>
        </Group>
      </Stack>
    </form>
  )
}

function Connected({ status }: { status: SyncStatus }) {
  const disconnect = useSync((state) => state.disconnect)
  const [leaving, setLeaving] = useState(false)
  const [replacingToken, setReplacingToken] = useState(false)

  async function askToDisconnect() {
    const confirmed = await confirmAction({
      title: 'Disconnect from the server?',
      consequences: [
        `This workspace stops syncing with ${status.server_url ?? 'the server'}; everything in it stays on this computer.`,
        status.pending
          ? `${plural(status.pending, 'change')} not yet sent stay on this computer; they are not sent unless you connect again.`
          : 'Every change made here has reached the server.',
        'The token is forgotten: connecting again needs a token.',
      ],
      confirmLabel: 'Disconnect',
      danger: true,
    })
    if (!confirmed) return
    setLeaving(true)
    try {
      await disconnect()
      notifyDone('Disconnected. This workspace no longer syncs with the server.')
    } catch (error) {
      notifyFailed(error, 'Could not disconnect')
    } finally {
      setLeaving(false)
    }
  }

  return (
    <Stack>
      <Table data-testid="server-connection">
        <Table.Tbody>
          <Table.Tr>
            <Table.Th w={180}>Server</Table.Th>
            <Table.Td ff="monospace" style={{ overflowWrap: 'anywhere' }}>
              {status.server_url}
            </Table.Td>
          </Table.Tr>
          <Table.Tr>
            <Table.Th>State</Table.Th>
            <Table.Td>{STATE_LABEL[status.state]}</Table.Td>
          </Table.Tr>
          <Table.Tr>
            <Table.Th>Last synced</Table.Th>
            <Table.Td>{status.last_synced_at ? formatDate(status.last_synced_at) : 'Not yet'}</Table.Td>
          </Table.Tr>
          <Table.Tr>
            <Table.Th>Changes waiting</Table.Th>
            <Table.Td>{status.pending ? plural(status.pending, 'change') : 'None'}</Table.Td>
          </Table.Tr>
          {status.last_error ? (
            <Table.Tr>
              <Table.Th>Last error</Table.Th>
              <Table.Td>{status.last_error}</Table.Td>
            </Table.Tr>
          ) : null}
        </Table.Tbody>
      </Table>
      {replacingToken ? <NewTokenForm url={status.server_url ?? ''} onDone={() => setReplacingToken(false)} /> : null}
      <Group justify="space-between" wrap="nowrap">
        <Text size="sm" c="dimmed">
          {TOKEN_KEPT}
        </Text>
        <Group wrap="nowrap" gap="xs">
          {replacingToken ? null : (
            <Button variant="default" onClick={() => setReplacingToken(true)}>
              Give a new token
            </Button>
          )}
          <Button variant="default" color="red" onClick={() => void askToDisconnect()} loading={leaving}>
            Disconnect
          </Button>
        </Group>
      </Group>
    </Stack>
  )
}

export function ServerConnection() {
  const status = useSync((state) => state.status)
  const readError = useSync((state) => state.readError)
  if (!status) {
    return (
      <Text size="sm" c="dimmed">
        {readError ? `The connection cannot be read: ${readError}` : 'Reading the connection…'}
      </Text>
    )
  }
  return status.state === 'disconnected' ? <ConnectForm /> : <Connected status={status} />
}
