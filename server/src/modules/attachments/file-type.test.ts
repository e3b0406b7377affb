import { describe, expect, it } from 'vitest';
import { checkFile, cleanFileName } from './file-type';

const bytes = (...b: number[]) => Buffer.from(b);
const PNG = bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13);
const JPEG = bytes(0xff, 0xd8, 0xff, 0xe0, 0, 16);
const PDF = Buffer.from('%PDF-1.7\n%âãÏÓ\n1 0 obj');
const GIF = Buffer.from('GIF89a\x01\x00\x01\x00', 'latin1');
const WEBP = Buffer.concat([Buffer.from('RIFF'), bytes(0, 0, 0, 0), Buffer.from('WEBPVP8 ')]);
const zip = (entry: string) => Buffer.concat([bytes(0x50, 0x4b, 0x03, 0x04, 20, 0), Buffer.from(entry)]);
const CSV = Buffer.from('客户名称,金额\n上海某某科技有限公司,1200.00\n');

describe('checkFile', () => {
  it.each([
    ['contract.pdf', PDF, 'application/pdf'],
    ['photo.PNG', PNG, 'image/png'],
    ['photo.jpg', JPEG, 'image/jpeg'],
    ['photo.jpeg', JPEG, 'image/jpeg'],
    ['anim.gif', GIF, 'image/gif'],
    ['pic.webp', WEBP, 'image/webp'],
    [
      '报价.xlsx',
      zip('[Content_Types].xml xl/workbook.xml'),
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    ],
    [
      '合同.docx',
      zip('word/document.xml'),
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    ],
    ['客户.csv', CSV, 'text/csv'],
    ['notes.txt', CSV, 'text/plain'],
  ])('accepts %s by its bytes', (name, content, type) => {
    expect(checkFile(name, content)).toEqual({ ok: true, kind: expect.any(String), contentType: type });
  });

  it.each([
    ['a PNG named .pdf', 'scan.pdf', PNG, 'png'],
    ['a PDF named .xlsx', 'sheet.xlsx', PDF, 'pdf'],
    ['a plain zip named .xlsx', 'sheet.xlsx', zip('payload.exe'), 'zip'],
    ['a workbook named .docx', 'doc.docx', zip('xl/workbook.xml'), 'xlsx'],
    ['an executable named .txt', 'readme.txt', Buffer.from('MZ\x90\x00\x03\x00', 'latin1'), 'binary'],
    ['text named .png', 'img.png', CSV, 'txt'],
  ])('refuses %s as a mismatch', (_label, name, content, detected) => {
    expect(checkFile(name, content)).toMatchObject({ ok: false, code: 'mismatch', detected });
  });

  it.each([
    [
      'an HTML page named .csv',
      'list.csv',
      Buffer.from('\ufeff  <!DOCTYPE html><html><body>x</body></html>'),
    ],
    [
      'an SVG named .txt',
      'logo.txt',
      Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
    ],
    ['a script hidden in a CSV', 'a.csv', Buffer.from('a,b\n1,<script>alert(1)</script>\n')],
    ['an .svg', 'logo.svg', Buffer.from('<svg/>')],
    ['an .html', 'page.html', Buffer.from('hello')],
    ['an .exe', 'setup.exe', Buffer.from('MZ')],
    ['no extension', 'README', CSV],
  ])('refuses %s as not allowed', (_label, name, content) => {
    expect(checkFile(name, content)).toMatchObject({ ok: false, code: 'not_allowed' });
  });
});

describe('cleanFileName', () => {
  it.each([
    ['../../etc/passwd', 'passwd'],
    ['C:\\Users\\张三\\报价单.pdf', '报价单.pdf'],
    ['a"b\u0000c.pdf', 'abc.pdf'],
    ['  ', ''],
  ])('%s → %s', (raw, clean) => {
    expect(cleanFileName(raw)).toBe(clean);
  });
});
