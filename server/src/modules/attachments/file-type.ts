// Which files may be attached, decided from the bytes (magic numbers), never from what the
// client says. The declared extension must name the same type, so a script renamed to .pdf or a
// page renamed to .csv is refused. Markup (HTML, SVG, XML) is never accepted: a stored file must
// not become a page the browser runs.

export type FileKind = 'pdf' | 'png' | 'jpeg' | 'gif' | 'webp' | 'xlsx' | 'docx' | 'csv' | 'txt';

export const CONTENT_TYPES: Record<FileKind, string> = {
  pdf: 'application/pdf',
  png: 'image/png',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  csv: 'text/csv',
  txt: 'text/plain',
};

const EXTENSIONS: Record<string, FileKind> = {
  pdf: 'pdf',
  png: 'png',
  jpg: 'jpeg',
  jpeg: 'jpeg',
  gif: 'gif',
  webp: 'webp',
  xlsx: 'xlsx',
  docx: 'docx',
  csv: 'csv',
  txt: 'txt',
};

export type FileCheck =
  | { ok: true; kind: FileKind; contentType: string }
  | { ok: false; code: 'not_allowed'; reason: string }
  | { ok: false; code: 'mismatch'; detected: string; extension: string };

const startsWith = (buf: Buffer, bytes: number[], at = 0) => bytes.every((b, i) => buf[at + i] === b);
const ascii = (buf: Buffer, text: string, at = 0) =>
  buf.subarray(at, at + text.length).toString('latin1') === text;

/** The binary type of the content, 'zip' for an OOXML container not yet told apart, or undefined. */
function sniffBinary(buf: Buffer): FileKind | 'zip' | undefined {
  if (ascii(buf, '%PDF-')) return 'pdf';
  if (startsWith(buf, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (startsWith(buf, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (ascii(buf, 'GIF87a') || ascii(buf, 'GIF89a')) return 'gif';
  if (ascii(buf, 'RIFF') && ascii(buf, 'WEBP', 8)) return 'webp';
  if (startsWith(buf, [0x50, 0x4b, 0x03, 0x04])) return 'zip';
  return undefined;
}

// Entry names of a zip are stored uncompressed, so the part that makes a workbook or a document
// can be found without unzipping.
function ooxmlKind(buf: Buffer): FileKind | undefined {
  if (buf.includes('xl/workbook.xml', 0, 'latin1')) return 'xlsx';
  if (buf.includes('word/document.xml', 0, 'latin1')) return 'docx';
  return undefined;
}

const MARKUP = /<\s*(!doctype|html|head|body|script|svg|iframe|object|embed|\?xml|meta|link|style)\b/i;

/** Text is accepted when it has no NUL or other control bytes and carries no markup. */
function textProblem(buf: Buffer): string | undefined {
  const head = buf.subarray(0, 64 * 1024);
  for (const b of head) {
    if (b === 0x09 || b === 0x0a || b === 0x0c || b === 0x0d) continue;
    if (b < 0x20 || b === 0x7f) return 'binary';
  }
  // UTF-16/GBK markup would still show ASCII angle brackets; a BOM does not hide it.
  if (MARKUP.test(head.toString('latin1'))) return 'markup';
  return undefined;
}

export function extensionOf(fileName: string): string {
  const m = /\.([A-Za-z0-9]{1,10})$/.exec(fileName);
  return m ? m[1]!.toLowerCase() : '';
}

/** Checks a file by its bytes and its declared name. */
export function checkFile(fileName: string, content: Buffer): FileCheck {
  const extension = extensionOf(fileName);
  const declared = EXTENSIONS[extension];
  if (!declared) return { ok: false, code: 'not_allowed', reason: extension ? `.${extension}` : fileName };
  let detected: FileKind | 'zip' | undefined = sniffBinary(content);
  if (detected === 'zip') {
    detected = ooxmlKind(content);
    if (!detected) return { ok: false, code: 'mismatch', detected: 'zip', extension };
  }
  if (!detected) {
    const problem = textProblem(content);
    if (problem === 'markup') return { ok: false, code: 'not_allowed', reason: 'HTML/SVG/XML' };
    if (problem) return { ok: false, code: 'mismatch', detected: 'binary', extension };
    // Plain text: either text extension will do, a CSV is text.
    detected = declared === 'csv' ? 'csv' : 'txt';
  }
  if (detected !== declared) return { ok: false, code: 'mismatch', detected, extension };
  return { ok: true, kind: detected, contentType: CONTENT_TYPES[detected] };
}

/** A file name safe to store and to put in a header: no directories, no control characters. */
export function cleanFileName(raw: string): string {
  const base = raw.split(/[/\\]/).pop() ?? '';
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
  const cleaned = base.replace(/[\u0000-\u001f\u007f"]/g, '').trim();
  return cleaned.slice(-200);
}
