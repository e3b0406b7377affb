import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildTestApp,
  type Client,
  clientFor,
  makeAccountInput,
  makeDealInput,
  makeOrg,
  type Org,
  openTestDatabase,
  type TestDatabase,
} from './harness';

// Attachments on disk: type by magic bytes, extension must agree, record visibility, safe
// download headers, size limit and soft delete.
const dir = mkdtempSync(join(tmpdir(), 'salesops-att-'));
const MAX = 64 * 1024;

const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n');
const PNG = Buffer.from([
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52,
]);

describe('attachments', () => {
  let database: TestDatabase;
  let app: Awaited<ReturnType<typeof buildTestApp>>;
  let org: Org;
  let rep: Client;
  let rep2: Client;
  let repB: Client;
  let managerA: Client;
  let deal: { id: string };

  beforeAll(async () => {
    process.env.ATTACHMENTS_DIR = dir;
    process.env.ATTACHMENTS_MAX_BYTES = String(MAX);
    database = await openTestDatabase();
    app = await buildTestApp(database);
    org = await makeOrg(database.db);
    [rep, rep2, repB, managerA] = await Promise.all([
      clientFor(app, org.users.repA1),
      clientFor(app, org.users.repA2),
      clientFor(app, org.users.repB1),
      clientFor(app, org.users.managerA),
    ]);
    const account = (await rep.post('/api/accounts', makeAccountInput())).json();
    deal = (await rep.post('/api/deals', makeDealInput(account.id))).json();
  });
  afterAll(async () => {
    delete process.env.ATTACHMENTS_DIR;
    delete process.env.ATTACHMENTS_MAX_BYTES;
    await app.close();
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  const upload = (
    client: Client,
    fileName: string,
    content: Buffer | string,
    record: { type?: string; id?: string } = {},
    contentType = 'application/octet-stream',
  ) =>
    client.request({
      method: 'POST',
      url: `/api/attachments?fileName=${encodeURIComponent(fileName)}&recordType=${record.type ?? 'deal'}&recordId=${record.id ?? deal.id}`,
      payload: content,
      headers: { 'content-type': contentType },
    });

  it('stores a PDF on disk with its hash and hands it back as a download that is never rendered', async () => {
    const res = await upload(rep, '技术方案 v2.pdf', PDF);
    expect(res.statusCode).toBe(201);
    const att = res.json();
    expect(att).toMatchObject({
      recordType: 'deal',
      recordId: deal.id,
      fileName: '技术方案 v2.pdf',
      contentType: 'application/pdf',
      sizeBytes: PDF.length,
      sha256: createHash('sha256').update(PDF).digest('hex'),
      uploadedBy: org.users.repA1.id,
    });
    const onDisk = join(dir, org.tenant.id, att.id);
    expect(readFileSync(onDisk).equals(PDF)).toBe(true);

    const dl = await rep.get(`/api/attachments/${att.id}`);
    expect(dl.statusCode).toBe(200);
    expect(dl.headers['content-type']).toBe('application/pdf');
    expect(dl.headers['x-content-type-options']).toBe('nosniff');
    expect(String(dl.headers['content-disposition'])).toMatch(
      /^attachment; filename=".*\.pdf"; filename\*=UTF-8''/,
    );
    expect(String(dl.headers['content-disposition'])).toContain(encodeURIComponent('技术方案 v2.pdf'));
    expect(dl.rawPayload.equals(PDF)).toBe(true);

    // The manager of the team reads it too (the record is in their reach).
    expect((await managerA.get(`/api/attachments/${att.id}`)).statusCode).toBe(200);
  });

  it('accepts a real workbook and lists a record’s attachments in upload order', async () => {
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('报价').addRow(['产品', '数量']);
    const xlsx = Buffer.from(await wb.xlsx.writeBuffer());
    const account = (await rep.post('/api/accounts', makeAccountInput())).json();
    const d = (await rep.post('/api/deals', makeDealInput(account.id))).json();
    const a = (await upload(rep, '明细.xlsx', xlsx, { id: d.id })).json();
    const b = (await upload(rep, 'photo.png', PNG, { id: d.id })).json();
    expect(a.contentType).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(b.contentType).toBe('image/png');
    const list = await rep.get(`/api/attachments?recordType=deal&recordId=${d.id}`);
    expect(list.statusCode).toBe(200);
    expect(list.json().items.map((i: { id: string }) => i.id)).toEqual([a.id, b.id]);
  });

  it('refuses disguised and dangerous files with a clear code, and stores nothing', async () => {
    const before = (await rep.get(`/api/attachments?recordType=deal&recordId=${deal.id}`)).json().items
      .length;
    const png = await upload(rep, 'invoice.pdf', PNG);
    expect(png.statusCode).toBe(422);
    expect(png.json()).toMatchObject({ code: 'ATTACHMENT_TYPE_MISMATCH', field: 'fileName' });
    expect(png.json().message).toContain('.pdf');

    const html = await upload(rep, 'list.csv', '<!doctype html><html><script>alert(1)</script></html>');
    expect(html.statusCode).toBe(415);
    expect(html.json().code).toBe('ATTACHMENT_TYPE_NOT_ALLOWED');

    const svg = await upload(rep, 'logo.svg', '<svg xmlns="http://www.w3.org/2000/svg"/>');
    expect(svg.statusCode).toBe(415);
    expect(svg.json().code).toBe('ATTACHMENT_TYPE_NOT_ALLOWED');

    const exe = await upload(rep, 'readme.txt', Buffer.from([0x4d, 0x5a, 0x90, 0x00, 0x03]));
    expect(exe.statusCode).toBe(422);
    expect(exe.json().code).toBe('ATTACHMENT_TYPE_MISMATCH');

    const after = (await rep.get(`/api/attachments?recordType=deal&recordId=${deal.id}`)).json().items.length;
    expect(after).toBe(before);
  });

  it('refuses a file over the size limit with 413 before storing it', async () => {
    const big = Buffer.concat([PDF, Buffer.alloc(MAX, 0x20)]);
    const res = await upload(rep, 'big.pdf', big);
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({ code: 'ATTACHMENT_TOO_LARGE' });
    expect(res.json().message).toContain('64 KB');
  });

  it('answers bad input with 4xx, a code and the field', async () => {
    const noName = await rep.request({
      method: 'POST',
      url: `/api/attachments?recordType=deal&recordId=${deal.id}`,
      payload: PDF,
      headers: { 'content-type': 'application/octet-stream' },
    });
    expect(noName.statusCode).toBe(400);
    expect(noName.json()).toMatchObject({ code: 'VALIDATION_FAILED', field: 'fileName' });

    const badType = await upload(rep, 'a.pdf', PDF, { type: 'tenant' });
    expect(badType.statusCode).toBe(400);
    expect(badType.json()).toMatchObject({ code: 'VALIDATION_FAILED', field: 'recordType' });

    const empty = await upload(rep, 'a.pdf', Buffer.alloc(0));
    expect(empty.statusCode).toBe(400);
    expect(empty.json()).toMatchObject({ code: 'VALIDATION_FAILED', field: 'body' });

    const json = await upload(rep, 'a.txt', JSON.stringify({ a: 1 }), {}, 'application/json');
    expect(json.statusCode).toBe(415);
    expect(json.json().code).toBe('ATTACHMENT_RAW_BODY_REQUIRED');

    // Raw bodies are for this one route only.
    const elsewhere = await rep.request({
      method: 'POST',
      url: '/api/accounts',
      payload: Buffer.from('{"name":"x"}'),
      headers: { 'content-type': 'application/octet-stream' },
    });
    expect(elsewhere.statusCode).toBe(415);

    const unknownDeal = await upload(rep, 'a.pdf', PDF, { id: 'deal_nope' });
    expect(unknownDeal.statusCode).toBe(404);
  });

  it('keeps other reps out: they cannot attach to, list or read another rep’s record (404)', async () => {
    const att = (await upload(rep, 'scope.pdf', PDF)).json();
    for (const other of [repB, rep2]) {
      expect((await upload(other, 'x.pdf', PDF)).statusCode).toBe(404);
      expect((await other.get(`/api/attachments/${att.id}`)).statusCode).toBe(404);
      expect((await other.get(`/api/attachments?recordType=deal&recordId=${deal.id}`)).statusCode).toBe(404);
      expect((await other.delete(`/api/attachments/${att.id}`)).statusCode).toBe(404);
    }
    // Another company's administrator sees nothing either.
    const otherOrg = await makeOrg(database.db);
    const outsider = await clientFor(app, otherOrg.users.admin);
    expect((await outsider.get(`/api/attachments/${att.id}`)).statusCode).toBe(404);
    expect((await upload(outsider, 'x.pdf', PDF)).statusCode).toBe(404);
    // The file is still there for its owner.
    expect((await rep.get(`/api/attachments/${att.id}`)).statusCode).toBe(200);
  });

  it('attaches to a customer as well, each file under its own record', async () => {
    const account = (await rep.post('/api/accounts', makeAccountInput())).json();
    const res = await upload(rep, '营业执照.png', PNG, { type: 'account', id: account.id });
    expect(res.statusCode).toBe(201);
    const list = (await rep.get(`/api/attachments?recordType=account&recordId=${account.id}`)).json().items;
    expect(list.map((i: { id: string }) => i.id)).toEqual([res.json().id]);
    // The same id as another record type is a different (unknown) record.
    expect((await rep.get(`/api/attachments?recordType=lead&recordId=${account.id}`)).statusCode).toBe(404);
  });

  it('soft-deletes: gone from the record and the download, kept in the table and on disk', async () => {
    const att = (await upload(rep, 'old.pdf', PDF)).json();
    const del = await rep.delete(`/api/attachments/${att.id}`);
    expect(del.statusCode).toBe(204);
    expect((await rep.get(`/api/attachments/${att.id}`)).statusCode).toBe(404);
    expect((await rep.delete(`/api/attachments/${att.id}`)).statusCode).toBe(404);
    const items = (await rep.get(`/api/attachments?recordType=deal&recordId=${deal.id}`)).json().items;
    expect(items.map((i: { id: string }) => i.id)).not.toContain(att.id);
    const row = await database.db
      .selectFrom('attachments')
      .select(['deletedAt', 'deletedBy'])
      .where('id', '=', att.id)
      .executeTakeFirstOrThrow();
    expect(row.deletedBy).toBe(org.users.repA1.id);
    expect(row.deletedAt).not.toBeNull();
    expect(existsSync(join(dir, org.tenant.id, att.id))).toBe(true);
  });
});
