import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { SHOW_IN_FOLDER, handleDownloads, saveDialogFor, type DownloadEnd, type DownloadItem, type DownloadShell, type MessageBoxOptions, type SaveDialogOptions } from './downloads'

const DOWNLOADS = join('/home', 'ada', 'Downloads')

/** A download as Electron hands it over: the suggested name, and the dialog options it was given. */
class FakeDownload implements DownloadItem {
  dialog: SaveDialogOptions | undefined
  private done: ((event: unknown, state: DownloadEnd) => void) | undefined
  constructor(
    private readonly filename: string,
    private readonly savedAt = '',
  ) {}
  getFilename = () => this.filename
  getSavePath = () => this.savedAt
  setSaveDialogOptions(options: SaveDialogOptions) {
    this.dialog = options
  }
  once(_event: 'done', listener: (event: unknown, state: DownloadEnd) => void) {
    this.done = listener
    return this
  }
  /** What Electron does once the download ends. */
  end(state: DownloadEnd) {
    this.done?.({}, state)
  }
}

/** A fake of the session, dialog and shell; the message box answers with `answer` (a button's index). */
function fakeShell(answer = 1) {
  let willDownload: ((event: unknown, item: DownloadItem) => void) | undefined
  const boxes: MessageBoxOptions[] = []
  const revealed: string[] = []
  const shell: DownloadShell = {
    session: { on: (_event, listener) => void (willDownload = listener) },
    downloadsFolder: () => DOWNLOADS,
    showMessageBox: async (options) => {
      boxes.push(options)
      return { response: answer }
    },
    showItemInFolder: (path) => void revealed.push(path),
  }
  handleDownloads(shell)
  const download = (item: FakeDownload) => {
    willDownload!({}, item)
    return item
  }
  return { download, boxes, revealed }
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0))

describe('saving a download on the desktop', () => {
  it('asks where to save it, starting in the Downloads folder with the suggested name and its kind of file', () => {
    const { download } = fakeShell()
    const item = download(new FakeDownload('audit-package-organization-2026-03-01T10-30-00Z.zip'))
    expect(item.dialog).toEqual({
      title: 'Save audit-package-organization-2026-03-01T10-30-00Z.zip',
      defaultPath: join(DOWNLOADS, 'audit-package-organization-2026-03-01T10-30-00Z.zip'),
      filters: [{ name: 'Zip archive', extensions: ['zip'] }],
    })
    expect(saveDialogFor('compliance-report.PDF', DOWNLOADS).filters).toEqual([{ name: 'PDF document', extensions: ['pdf'] }])
  })

  it('never lets the suggested name choose another folder', () => {
    expect(saveDialogFor('../../.ssh/authorized_keys', DOWNLOADS).defaultPath).toBe(join(DOWNLOADS, 'authorized_keys'))
    expect(saveDialogFor('..\\..\\evil.csv', DOWNLOADS).defaultPath).toBe(join(DOWNLOADS, 'evil.csv'))
  })

  it('once saved, offers to show the file and shows it in its folder on "Show in folder"', async () => {
    const { download, boxes, revealed } = fakeShell(0)
    const saved = join('/home', 'ada', 'Audits', 'report.pdf')
    download(new FakeDownload('report.pdf', saved)).end('completed')
    await settle()
    expect(boxes).toEqual([{ type: 'info', message: 'Saved report.pdf', detail: saved, buttons: [SHOW_IN_FOLDER, 'OK'], defaultId: 1, cancelId: 1 }])
    expect(revealed).toEqual([saved])
  })

  it('shows nothing more on OK', async () => {
    const { download, boxes, revealed } = fakeShell(1)
    download(new FakeDownload('report.pdf', '/tmp/report.pdf')).end('completed')
    await settle()
    expect(boxes).toHaveLength(1)
    expect(revealed).toEqual([])
  })

  it('says nothing when the save dialog was cancelled or the download interrupted', async () => {
    const { download, boxes, revealed } = fakeShell(0)
    download(new FakeDownload('report.pdf')).end('cancelled')
    download(new FakeDownload('report.zip')).end('interrupted')
    await settle()
    expect(boxes).toEqual([])
    expect(revealed).toEqual([])
  })
})
