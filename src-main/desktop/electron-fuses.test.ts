/**
 * Packaging cannot run here (electron-builder downloads Electron), so this checks what it would
 * flip: electron-builder.yml read by electron-builder's own loader and schema, turned into a fuse
 * wire by its own translation, compared fuse by fuse with @electron/fuses' list.
 */
import { join } from 'node:path'
import { FuseV1Options, FuseVersion, type FuseV1Config } from '@electron/fuses'
import { PlatformPackager, type Configuration } from 'app-builder-lib'
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config'
import { describe, expect, it } from 'vitest'

const root = join(__dirname, '..', '..')

/** Every fuse @electron/fuses knows must be decided here: a new one fails type-checking until it is. */
const REQUIRED_FUSES: Record<FuseV1Options, boolean> = {
  [FuseV1Options.RunAsNode]: false,
  [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
  [FuseV1Options.EnableNodeCliInspectArguments]: false,
  [FuseV1Options.EnableCookieEncryption]: true,
  [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
  [FuseV1Options.OnlyLoadAppFromAsar]: true,
  [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
  [FuseV1Options.LoadBrowserProcessSpecificV8Snapshot]: false,
}

const ALL_FUSES = Object.values(FuseV1Options).filter((option): option is FuseV1Options => typeof option === 'number')

async function packagingConfig(): Promise<Configuration> {
  const config = await getConfig(root, null, null)
  await validateConfiguration(config, { isEnabled: false, add: () => undefined } as unknown as Parameters<typeof validateConfiguration>[1])
  return config
}

/** electron-builder's own mapping from its config names to @electron/fuses' wire (a private method). */
async function fuseWire(config: Configuration): Promise<FuseV1Config> {
  const packager = PlatformPackager.prototype as unknown as { generateFuseConfig(fuses: Configuration['electronFuses']): Promise<FuseV1Config> }
  return packager.generateFuseConfig(config.electronFuses)
}

describe('the Electron fuses of the packaged app', () => {
  it('sets every fuse @electron/fuses knows, none left to the binary’s default', async () => {
    const config = await packagingConfig()
    expect(config.electronFuses, 'electron-builder.yml has no electronFuses block').toBeTruthy()
    const wire = await fuseWire(config)
    expect(wire.version).toBe(FuseVersion.V1)
    expect(ALL_FUSES.filter((option) => typeof wire[option] !== 'boolean').map((option) => FuseV1Options[option])).toEqual([])
  })

  it('turns off running as Node, NODE_OPTIONS, --inspect and file:// privileges, and turns on cookie encryption and asar-only, integrity-checked loading', async () => {
    const wire = await fuseWire(await packagingConfig())
    for (const option of ALL_FUSES) {
      expect(wire[option], FuseV1Options[option]).toBe(REQUIRED_FUSES[option])
    }
  })

  it('keeps the app in an asar archive whose integrity electron-builder records', async () => {
    const config = await packagingConfig()
    expect(config.asar).not.toBe(false)
    expect(config.disableAsarIntegrity).not.toBe(true)
  })
})
