/**
 * Which screen shows for a route. Each screen is its own chunk, fetched the first time it is
 * opened, so the console starts with the shell alone and echarts is only loaded by screens that
 * chart.
 */
import { Center, Loader } from '@mantine/core'
import { lazy, Suspense, useState, type ComponentType } from 'react'
import type { AreaId } from './navigation'

interface LazyScreen<Props> {
  Component: ComponentType<Props>
  /** Fetches and runs the screen's chunk; the screen then renders without suspending. */
  preload(): Promise<unknown>
}

/**
 * A screen from a chunk of its own (a named export). Once its chunk has run it renders directly:
 * going through React.lazy every time would suspend each first render, and React holds a revealed
 * Suspense boundary back for up to 300 ms, which was most of the time to the first rows.
 */
function lazyScreen<Props extends object, Name extends string>(load: () => Promise<Record<Name, ComponentType<Props>>>, name: Name): LazyScreen<Props> {
  let loaded: ComponentType<Props> | undefined
  const preload = () => load().then((module) => (loaded = module[name]))
  const Lazy = lazy<ComponentType<Props>>(async () => ({ default: (await load())[name] }))
  function LoadedOrLazy(props: Props) {
    // Decided once per mount: switching from Lazy to the loaded component later would remount the
    // screen, losing its state and the focus (a search box being typed in).
    const [Loaded] = useState(() => loaded)
    return Loaded ? <Loaded {...props} /> : <Lazy {...props} />
  }
  return { Component: LoadedOrLazy, preload }
}

const screens = {
  dashboard: lazyScreen(() => import('../features/dashboard/DashboardScreen'), 'DashboardScreen'),
  applications: lazyScreen(() => import('../features/applications/ApplicationsScreen'), 'ApplicationsScreen'),
  application: lazyScreen(() => import('../features/applications/ApplicationDetail'), 'ApplicationDetail'),
  policies: lazyScreen(() => import('../features/policies/PolicyList'), 'PolicyList'),
  policy: lazyScreen(() => import('../features/policies/detail/PolicyDetail'), 'PolicyDetail'),
  wizard: lazyScreen(() => import('../features/policies/wizard/PolicyWizard'), 'PolicyWizard'),
  templates: lazyScreen(() => import('../features/templates/TemplatesScreen'), 'TemplatesScreen'),
  audit: lazyScreen(() => import('../features/audit/AuditLogScreen'), 'AuditLogScreen'),
  settings: lazyScreen(() => import('../features/settings/SettingsScreen'), 'SettingsScreen'),
  inbox: lazyScreen(() => import('../features/attestations/AttestationInbox'), 'AttestationInbox'),
  review: lazyScreen(() => import('../features/attestations/review/AttestationReview'), 'AttestationReview'),
  reports: lazyScreen(() => import('../features/reports/ReportsScreen'), 'ReportsScreen'),
}

/** The screen a route shows, to fetch it early. */
function screenFor(area: AreaId, path: string[]): Pick<LazyScreen<never>, 'preload'> {
  switch (area) {
    case 'applications':
      return path[0] ? screens.application : screens.applications
    case 'policies':
      return path[0] === 'new' ? screens.wizard : path[0] ? screens.policy : screens.policies
    case 'attestations':
      return path[0] ? screens.review : screens.inbox
    case 'dashboard':
    case 'templates':
    case 'reports':
    case 'audit':
    case 'settings':
      return screens[area]
  }
}

/** Other screens are fetched this long after start-up, once the first one has its data. */
const PREFETCH_AFTER_MS = 3000

/**
 * Fetches the opening screen while the shell still asks who is signed in (resolving once it can
 * render without suspending); a while later, one per idle moment, every other screen: later
 * screens then open without a round trip to a server that may be busy by then. Not all at once:
 * importing a chunk also runs it (echarts takes a good part of a second to set up), which would
 * hold up the first screen.
 */
export function prefetchScreens(area: AreaId, path: string[]): Promise<unknown> {
  const opening = screenFor(area, path)
    .preload()
    .catch(() => undefined)
  const rest = Object.values(screens)
  const next = () => {
    const screen = rest.shift()
    if (!screen) return
    void screen
      .preload()
      .catch(() => undefined)
      .finally(() => whenIdle(next))
  }
  setTimeout(() => whenIdle(next), PREFETCH_AFTER_MS)
  return opening
}

function whenIdle(work: () => void): void {
  if ('requestIdleCallback' in window) window.requestIdleCallback(work, { timeout: 5000 })
  else setTimeout(work, 200)
}

function ScreenFor({ area, path }: { area: AreaId; path: string[] }) {
  switch (area) {
    case 'dashboard':
      return <screens.dashboard.Component />
    case 'applications':
      return path[0] ? <screens.application.Component id={path[0]} /> : <screens.applications.Component />
    case 'policies':
      if (path[0] === 'new') return <screens.wizard.Component />
      return path[0] ? <screens.policy.Component policyId={path[0]} /> : <screens.policies.Component />
    case 'templates':
      return <screens.templates.Component />
    case 'attestations':
      return path[0] ? <screens.review.Component requestId={path[0]} /> : <screens.inbox.Component />
    case 'audit':
      return <screens.audit.Component />
    case 'reports':
      return <screens.reports.Component />
    case 'settings':
      return <screens.settings.Component />
  }
}

export function Screen({ area, path }: { area: AreaId; path: string[] }) {
  return (
    <Suspense
      fallback={
        <Center p="xl">
          <Loader aria-label="Loading" />
        </Center>
      }
    >
      <ScreenFor area={area} path={path} />
    </Suspense>
  )
}
