/**
 * The command palette (Ctrl/⌘K): find an application, policy or person by name, or run an action,
 * from anywhere. cmdk gives the listbox and arrow-key selection; Mantine's Modal gives the dialog,
 * its accessible name and the focus trap.
 */
import { Group, Kbd, Modal, Text, useComputedColorScheme, useMantineColorScheme } from '@mantine/core'
import { Command } from 'cmdk'
import { useEffect, useMemo, useState, type ReactNode } from 'react'
import { useNavigation } from './navigation'
import { paletteActions } from './palette-actions'
import { bestMatches, usePaletteData } from './palette-search'
import { useShell } from './shell-store'
import { keyLabel } from './shortcuts'
import { useWorkspace } from './workspace-store'
import classes from './CommandPalette.module.css'

const LIMITS = { applications: 8, policies: 6, people: 5 }

function Item({ value, onSelect, children, hint }: { value: string; onSelect(): void; children: ReactNode; hint?: ReactNode }) {
  return (
    <Command.Item value={value} onSelect={onSelect} className={classes.item}>
      <span className={classes.label}>{children}</span>
      {hint}
    </Command.Item>
  )
}

export function CommandPalette() {
  const opened = useShell((state) => state.paletteOpen)
  const setOpen = useShell((state) => state.setPaletteOpen)
  return (
    <Modal.Root opened={opened} onClose={() => setOpen(false)} size="lg" yOffset="12vh">
      <Modal.Overlay />
      <Modal.Content aria-label="Command palette">
        {/* Mounted while open only, so each opening starts with an empty search and fresh data. */}
        <PaletteSearch close={() => setOpen(false)} />
      </Modal.Content>
    </Modal.Root>
  )
}

function PaletteSearch({ close }: { close(): void }) {
  const { applications, policies, people, loading, load } = usePaletteData()
  const workspaceEmpty = useWorkspace((state) => state.info?.is_empty ?? false)
  const go = useNavigation((state) => state.go)
  const { setColorScheme } = useMantineColorScheme()
  const colorScheme = useComputedColorScheme('light')
  const [search, setSearch] = useState('')

  useEffect(() => {
    void load()
  }, [load])

  const actions = useMemo(() => paletteActions({ workspaceEmpty, colorScheme, setColorScheme }), [workspaceEmpty, colorScheme, setColorScheme])
  const found = useMemo(
    () => ({
      actions: search.trim() ? bestMatches(actions, search, (action) => [action.label, action.keywords], actions.length) : actions,
      applications: bestMatches(applications, search, (app) => [app.name, app.id, app.team], LIMITS.applications),
      policies: bestMatches(policies, search, (policy) => [policy.name, policy.id], LIMITS.policies),
      people: bestMatches(people, search, (person) => [person.name, person.email], LIMITS.people),
    }),
    [search, actions, applications, policies, people],
  )

  const run = (work: () => void) => {
    close()
    work()
  }

  return (
    <Command label="Command palette" shouldFilter={false} loop>
      <Command.Input
        value={search}
        onValueChange={setSearch}
        placeholder="Search applications, policies, people and actions…"
        className={classes.input}
        data-autofocus
      />
      <Command.List className={classes.list}>
        {loading && !applications.length ? (
          <Command.Loading className={classes.empty}>Loading applications, policies and people…</Command.Loading>
        ) : (
          <Command.Empty className={classes.empty}>Nothing matches “{search}”.</Command.Empty>
        )}
        {found.applications.length ? (
          <Command.Group heading="Applications">
            {found.applications.map((app) => (
              <Item key={app.id} value={`application ${app.id}`} onSelect={() => run(() => go('applications', [app.id]))} hint={<Text size="xs" c="dimmed">{app.team}</Text>}>
                {app.name}
              </Item>
            ))}
          </Command.Group>
        ) : null}
        {found.policies.length ? (
          <Command.Group heading="Policies">
            {found.policies.map((policy) => (
              <Item key={policy.id} value={`policy ${policy.id}`} onSelect={() => run(() => go('policies', [policy.id]))} hint={policy.archived ? <Text size="xs" c="dimmed">archived</Text> : null}>
                {policy.name}
              </Item>
            ))}
          </Command.Group>
        ) : null}
        {found.people.length ? (
          <Command.Group heading="People">
            {found.people.map((person) => (
              <Item key={person.id} value={`person ${person.id}`} onSelect={() => run(() => go('settings'))} hint={<Text size="xs" c="dimmed">{person.email}</Text>}>
                {person.name}
              </Item>
            ))}
          </Command.Group>
        ) : null}
        {found.actions.length ? (
          <Command.Group heading="Actions">
            {found.actions.map((action) => (
              <Item
                key={action.id}
                value={`action ${action.id}`}
                onSelect={() => run(action.run)}
                hint={
                  action.shortcut ? (
                    <Group gap={4} wrap="nowrap" aria-hidden="true">
                      {action.shortcut.map((key) => (
                        <Kbd key={key} size="xs">
                          {keyLabel(key)}
                        </Kbd>
                      ))}
                    </Group>
                  ) : null
                }
              >
                {action.label}
              </Item>
            ))}
          </Command.Group>
        ) : null}
      </Command.List>
    </Command>
  )
}

