/**
 * Hands a file the engine produced to the person: the browser downloads it; the desktop app's
 * window asks where to save it (Electron shows its save dialog for a download).
 */
export function saveFile(filename: string, content: string, type: string): void {
  const url = URL.createObjectURL(new Blob([content], { type }))
  const link = document.createElement('a')
  link.href = url
  link.download = filename
  link.style.display = 'none'
  document.body.append(link)
  link.click()
  link.remove()
  // The download has taken its copy by the next task; the object URL would otherwise live on.
  setTimeout(() => URL.revokeObjectURL(url), 0)
}
