/**
 * Files the console hands over (a report, an audit-log CSV) are saved where the person chooses:
 * each download asks through the OS save dialog, starting in the Downloads folder under the name
 * the console suggested, and once saved offers to show the file in its folder. Written over the
 * few Electron calls it makes, with no Electron import, so it is tested against a fake.
 */
import { basename, extname, join } from 'node:path'

/** How a download ended: Electron's `DownloadItem` 'done' states. */
export type DownloadEnd = 'completed' | 'cancelled' | 'interrupted'

export interface SaveDialogOptions {
  title: string
  defaultPath: string
  filters: Array<{ name: string; extensions: string[] }>
}

/** The part of Electron's `DownloadItem` used here. */
export interface DownloadItem {
  /** The name the page suggested (the link's `download` attribute). */
  getFilename(): string
  /** Where the person chose to save it, once they have. */
  getSavePath(): string
  setSaveDialogOptions(options: SaveDialogOptions): void
  once(event: 'done', listener: (event: unknown, state: DownloadEnd) => void): unknown
}

export interface MessageBoxOptions {
  type: 'info'
  message: string
  detail: string
  buttons: string[]
  defaultId: number
  cancelId: number
}

/** The parts of Electron's session, app, dialog and shell used here. */
export interface DownloadShell {
  session: { on(event: 'will-download', listener: (event: unknown, item: DownloadItem) => void): unknown }
  /** `app.getPath('downloads')`. */
  downloadsFolder(): string
  /** `dialog.showMessageBox`, over the console's window where there is one. */
  showMessageBox(options: MessageBoxOptions): Promise<{ response: number }>
  /** `shell.showItemInFolder`. */
  showItemInFolder(path: string): void
  log?(message: string, error?: unknown): void
}

const KINDS: Record<string, string> = {
  '.pdf': 'PDF document',
  '.zip': 'Zip archive',
  '.csv': 'CSV file',
  '.json': 'JSON file',
}

export const SHOW_IN_FOLDER = 'Show in folder'

/** The save dialog for a file suggested as `suggested`: in the Downloads folder, filtered by its extension. */
export function saveDialogFor(suggested: string, downloadsFolder: string): SaveDialogOptions {
  // The name comes from the page: never let it choose a folder.
  const filename = basename(suggested.replaceAll('\\', '/')) || 'download'
  const extension = extname(filename).toLowerCase()
  const filters = extension ? [{ name: KINDS[extension] ?? `${extension.slice(1).toUpperCase()} file`, extensions: [extension.slice(1)] }] : []
  return { title: `Save ${filename}`, defaultPath: join(downloadsFolder, filename), filters }
}

export function handleDownloads(shell: DownloadShell): void {
  const log = shell.log ?? ((message, error) => console.error(message, error))
  shell.session.on('will-download', (_event, item) => {
    item.setSaveDialogOptions(saveDialogFor(item.getFilename(), shell.downloadsFolder()))
    // Cancelled (the dialog closed without saving) or interrupted: the person already knows.
    item.once('done', (_done, state) => {
      if (state !== 'completed') return
      const path = item.getSavePath()
      shell
        .showMessageBox({ type: 'info', message: `Saved ${basename(path)}`, detail: path, buttons: [SHOW_IN_FOLDER, 'OK'], defaultId: 1, cancelId: 1 })
        .then(({ response }) => {
          if (response === 0) shell.showItemInFolder(path)
        })
        .catch((error: unknown) => log('Could not offer to show the saved file', error))
    })
  })
}
