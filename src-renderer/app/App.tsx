/**
 * The console's frame: navigation for every area, the sync's state, the theme switch, the command
 * palette and keyboard shortcuts, and the active screen.
 */
import { ActionIcon, Alert, AppShell, Badge, Button, Center, Group, Kbd, Loader, NavLink, Text, Title, VisuallyHidden, useComputedColorScheme, useMantineColorScheme } from '@mantine/core'
import { useEffect, useState } from 'react'
import { useShallow } from 'zustand/react/shallow'
import { SyncStatusControl } from '../features/sync/SyncStatusControl'
import { useSync } from '../features/sync/sync-store'
import { CommandPalette } from './CommandPalette'
import { AREAS, hrefOf, useNavigation } from './navigation'
import { prefetchScreens, Screen } from './screens'
import { useShell } from './shell-store'
import { keyLabel } from './shortcuts'
import { ShortcutsHelp } from './ShortcutsHelp'
import { MAIN_CONTENT_ID, SkipLink } from './SkipLink'
import { useKeyboardShortcuts } from './use-keyboard-shortcuts'
import { useReminders } from './reminders'
import { useReminderAlerts } from './use-reminder-alerts'
import { useWorkspace } from './workspace-store'

function ThemeToggle() {
  const { setColorScheme } = useMantineColorScheme()
  const computed = useComputedColorScheme('light')
  const next = computed === 'dark' ? 'light' : 'dark'
  return (
    <ActionIcon variant="default" size="lg" aria-label={`Switch to ${next} theme`} onClick={() => setColorScheme(next)}>
      {computed === 'dark' ? '☀' : '☾'}
    </ActionIcon>
  )
}

function PaletteButton() {
  const setOpen = useShell((state) => state.setPaletteOpen)
  return (
    <Button variant="default" c="dimmed" fw={400} onClick={() => setOpen(true)} rightSection={<Kbd size="xs">{keyLabel('mod+k')}</Kbd>} aria-keyshortcuts="Control+K Meta+K">
      Search…
    </Button>
  )
}

/** Beside "Attestation inbox": the requests awaiting the person using the console, when there are any (the title's count). */
function AwaitingMeCount() {
  const count = useReminders((state) => state.awaiting)
  if (!count) return null
  return (
    <Badge size="sm" variant="filled" data-testid="inbox-count">
      {count}
      <VisuallyHidden> awaiting you</VisuallyHidden>
    </Badge>
  )
}

export function App() {
  // Not the query: typing in a list's search changes it on every key, and the shell need not redraw.
  const { area, path, go } = useNavigation(useShallow((state) => ({ area: state.area, path: state.path, go: state.go })))
  const { info, actor, signedOut, error, load } = useWorkspace()
  useKeyboardShortcuts()
  useReminderAlerts()
  useEffect(() => useSync.getState().startPolling(), [])

  // The shell waits for the opening screen's code as well as the workspace (both asked at once),
  // so that screen renders straight away rather than suspending, which React holds back 300 ms.
  const [openingScreenReady, setOpeningScreenReady] = useState(false)
  useEffect(() => {
    void load()
    const { area: opening, path: openingPath } = useNavigation.getState()
    void prefetchScreens(opening, openingPath).then(() => setOpeningScreenReady(true))
  }, [load])

  if (signedOut) {
    return (
      <Center h="100vh" p="xl">
        <Alert title="Sign in to the console" maw={520}>
          Open the sign-in link that <code>govern serve</code> printed in its terminal. It carries this run’s login token.
        </Alert>
      </Center>
    )
  }
  if (error) {
    return (
      <Center h="100vh" p="xl">
        <Alert color="red" title="The console cannot reach its workspace" maw={520}>
          {error}
        </Alert>
      </Center>
    )
  }
  if (!info || !openingScreenReady) {
    return (
      <Center h="100vh">
        <Loader />
      </Center>
    )
  }

  return (
    <AppShell header={{ height: 56 }} navbar={{ width: 230, breakpoint: 'xs' }} padding="lg">
      <SkipLink />
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between">
          <Title order={4}>Governance Console</Title>
          <Group>
            <SyncStatusControl />
            <PaletteButton />
            <Text size="sm" c="dimmed">
              {actor?.name}
            </Text>
            <ThemeToggle />
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" aria-label="Areas">
        {AREAS.map((item) => (
          <NavLink
            key={item.id}
            label={item.label}
            active={item.id === area}
            aria-current={item.id === area ? 'page' : undefined}
            onClick={() => go(item.id)}
            href={hrefOf(item.id)}
            rightSection={item.id === 'attestations' ? <AwaitingMeCount /> : undefined}
          />
        ))}
      </AppShell.Navbar>
      {/* Focusable from the skip link only; no outline drawn around the whole page. */}
      <AppShell.Main id={MAIN_CONTENT_ID} tabIndex={-1} style={{ outline: 'none' }}>
        <Screen area={area} path={path} />
      </AppShell.Main>
      <ShortcutsHelp />
      {/* In the first bundle, not fetched on demand: it must open at once even while the server is busy. */}
      <CommandPalette />
    </AppShell>
  )
}
