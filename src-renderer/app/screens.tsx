/**
 * Which screen shows for a route. Each screen is its own chunk, fetched the first time it is
 * opened, so the console starts with the shell alone and echarts is only loaded by screens that
 * chart.
 */
import { Center, Loader } from '@mantine/core'
import { lazy, Suspense, type ComponentType } from 'react'
import { AREAS, type AreaId } from './navigation'

const loaders = {
  dashboard: () => import('../features/dashboard/DashboardScreen'),
  applications: () => import('../features/applications/ApplicationsScreen'),
  application: () => import('../features/applications/ApplicationDetail'),
  policies: () => import('../features/policies/PolicyList'),
  policy: () => import('../features/policies/detail/PolicyDetail'),
  wizard: () => import('../features/policies/wizard/PolicyWizard'),
  templates: () => import('../features/templates/TemplatesScreen'),
  audit: () => import('../features/audit/AuditLogScreen'),
  settings: () => import('../features/settings/SettingsScreen'),
  upcoming: () => import('../features/areas/UpcomingArea'),
}

/** React.lazy for a named export, which our screens use. */
function lazyScreen<Props extends object, Name extends string>(load: () => Promise<Record<Name, ComponentType<Props>>>, name: Name) {
  return lazy(async () => ({ default: (await load())[name] }))
}

const DashboardScreen = lazyScreen(loaders.dashboard, 'DashboardScreen')
const ApplicationsScreen = lazyScreen(loaders.applications, 'ApplicationsScreen')
const ApplicationDetail = lazyScreen(loaders.application, 'ApplicationDetail')
const PolicyList = lazyScreen(loaders.policies, 'PolicyList')
const PolicyDetail = lazyScreen(loaders.policy, 'PolicyDetail')
const PolicyWizard = lazyScreen(loaders.wizard, 'PolicyWizard')
const TemplatesScreen = lazyScreen(loaders.templates, 'TemplatesScreen')
const AuditLogScreen = lazyScreen(loaders.audit, 'AuditLogScreen')
const SettingsScreen = lazyScreen(loaders.settings, 'SettingsScreen')
const UpcomingArea = lazyScreen(loaders.upcoming, 'UpcomingArea')

/** The loader of the screen a route shows. */
function loaderFor(area: AreaId, path: string[]): () => Promise<unknown> {
  switch (area) {
    case 'applications':
      return path[0] ? loaders.application : loaders.applications
    case 'policies':
      return path[0] === 'new' ? loaders.wizard : path[0] ? loaders.policy : loaders.policies
    case 'dashboard':
    case 'templates':
    case 'audit':
    case 'settings':
      return loaders[area]
    default:
      return loaders.upcoming
  }
}

/**
 * Starts fetching the opening screen while the shell still asks who is signed in, then, once the
 * browser is idle, every other screen: the first screen waits for its own code only, and later
 * ones open without a round trip to a server that may be busy with a long write by then.
 */
export function prefetchScreens(area: AreaId, path: string[]): void {
  void loaderFor(area, path)().catch(() => undefined)
  const rest = () => Object.values(loaders).forEach((load) => void load().catch(() => undefined))
  if ('requestIdleCallback' in window) window.requestIdleCallback(rest, { timeout: 5000 })
  else setTimeout(rest, 2000)
}

function ScreenFor({ area, path }: { area: AreaId; path: string[] }) {
  switch (area) {
    case 'dashboard':
      return <DashboardScreen />
    case 'applications':
      return path[0] ? <ApplicationDetail id={path[0]} /> : <ApplicationsScreen />
    case 'policies':
      if (path[0] === 'new') return <PolicyWizard />
      return path[0] ? <PolicyDetail policyId={path[0]} /> : <PolicyList />
    case 'templates':
      return <TemplatesScreen />
    case 'audit':
      return <AuditLogScreen />
    case 'settings':
      return <SettingsScreen />
    default:
      return <UpcomingArea area={area} title={AREAS.find((a) => a.id === area)?.label ?? area} />
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
