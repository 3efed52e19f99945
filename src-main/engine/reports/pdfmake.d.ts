/**
 * The few calls of pdfmake 0.3's Node API (`require('pdfmake')`, a ready instance) the reports use;
 * pdfmake ships no types. A document definition is plain data, checked by pdfmake as it lays it out.
 */
declare module 'pdfmake' {
  interface FontFiles {
    normal: string
    bold: string
    italics: string
    bolditalics: string
  }
  interface OutputDocument {
    getBuffer(): Promise<Buffer>
  }
  interface PdfMake {
    setFonts(fonts: Record<string, FontFiles>): void
    setUrlAccessPolicy(allow: (url: string) => boolean): void
    setLocalAccessPolicy(allow: (path: string) => boolean): void
    createPdf(definition: Record<string, unknown>, options?: { fontLayoutCache?: boolean; progressCallback?: (progress: number) => void }): OutputDocument
  }
  const pdfmake: PdfMake
  export default pdfmake
}
