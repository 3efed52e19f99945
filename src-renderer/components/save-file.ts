/**
 * Hands a file the engine produced to the person: the browser downloads it; the desktop app asks
 * where to save it (src-main/desktop/downloads.ts answers the download with the OS save dialog).
 */
export function saveFile(filename: string, content: string | Uint8Array, type: string): void {
  // A Uint8Array over a plain ArrayBuffer, which Blob's typing asks for.
  const part = typeof content === 'string' ? content : new Uint8Array(content)
  const url = URL.createObjectURL(new Blob([part], { type }))
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

/** The bytes of base64 text, as a BinaryFile carries a PDF or a zip. */
export function bytesFromBase64(base64: string): Uint8Array {
  const text = atob(base64)
  const bytes = new Uint8Array(text.length)
  for (let index = 0; index < text.length; index++) bytes[index] = text.charCodeAt(index)
  return bytes
}

/** Saves a BinaryFile (a PDF, a zip) under its own name and type. */
export function saveBinaryFile(file: { filename: string; content_type: string; content_base64: string }): void {
  saveFile(file.filename, bytesFromBase64(file.content_base64), file.content_type)
}
