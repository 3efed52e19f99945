/** The console's frame: navigation for every area, the theme switch, and the active screen. */
import { ActionIcon, Alert, AppShell, Center, Group, Loader, NavLink, Text, Title, useComputedColorScheme, useMantineColorScheme } from '@mantine/core'
import { useEffect } from 'react'
import { AREAS, useNavigation } from './navigation'
import { prefetchScreens, Screen } from './screens'
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

export function App() {
  const { area, path, go } = useNavigation()
  const { info, actor, signedOut, error, load } = useWorkspace()

  useEffect(() => {
    void load()
    const { area: opening, path: openingPath } = useNavigation.getState()
    prefetchScreens(opening, openingPath)
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
  if (!info) {
    return (
      <Center h="100vh">
        <Loader />
      </Center>
    )
  }

  return (
    <AppShell header={{ height: 56 }} navbar={{ width: 230, breakpoint: 'xs' }} padding="lg">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between">
          <Title order={4}>Governance Console</Title>
          <Group>
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
            onClick={() => go(item.id)}
            href={`#/${item.id}`}
          />
        ))}
      </AppShell.Navbar>
      <AppShell.Main>
        <Screen area={area} path={path} />
      </AppShell.Main>
    </AppShell>
  )
}
