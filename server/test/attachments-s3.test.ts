import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3Store } from '../src/modules/attachments/attachment.storage';
import { sha256Hex, signV4 } from '../src/modules/attachments/sigv4';
import { AppError } from '../src/shared/errors';
import {
  buildTestApp,
  clientFor,
  makeAccountInput,
  makeDealInput,
  makeOrg,
  openTestDatabase,
  type TestDatabase,
} from './harness';

// The S3-compatible store against a fake object store on 127.0.0.1 that checks every request's
// SigV4 signature with the secret it knows (the signer itself is checked against AWS's worked
// examples in sigv4.test.ts).
const KEY = { accessKeyId: 'AKTEST', secretAccessKey: 'fake-secret', region: 'cn-north-1' };
const BUCKET = 'salesops-files';

interface Seen {
  method: string;
  path: string;
  contentType?: string;
  ok: boolean;
}

function startFakeS3(): Promise<{
  server: Server;
  endpoint: string;
  objects: Map<string, Buffer>;
  seen: Seen[];
}> {
  const objects = new Map<string, Buffer>();
  const seen: Seen[] = [];
  const verify = (req: IncomingMessage, body: Buffer): boolean => {
    const auth = String(req.headers.authorization ?? '');
    const m =
      /Credential=([^/]+)\/\d{8}\/([^/]+)\/s3\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})/.exec(
        auth,
      );
    if (!m || m[1] !== KEY.accessKeyId || m[2] !== KEY.region) return false;
    const payloadHash = String(req.headers['x-amz-content-sha256']);
    if (payloadHash !== sha256Hex(body)) return false;
    const amz = String(req.headers['x-amz-date']);
    const now = new Date(
      `${amz.slice(0, 4)}-${amz.slice(4, 6)}-${amz.slice(6, 8)}T${amz.slice(9, 11)}:${amz.slice(11, 13)}:${amz.slice(13, 15)}Z`,
    );
    const headers: Record<string, string> = {};
    for (const name of m[3]!.split(';'))
      if (!['host', 'x-amz-date', 'x-amz-content-sha256'].includes(name))
        headers[name] = String(req.headers[name]);
    const expected = signV4(KEY, {
      method: req.method!,
      url: new URL(`http://${req.headers.host}${req.url}`),
      headers,
      payloadHash,
      now,
    });
    return expected.authorization === auth;
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const path = decodeURIComponent(new URL(req.url!, 'http://x').pathname);
      const ok = verify(req, body);
      seen.push({ method: req.method!, path, contentType: req.headers['content-type'], ok });
      if (!ok) return res.writeHead(403).end('<Error><Code>SignatureDoesNotMatch</Code></Error>');
      if (req.method === 'PUT') {
        objects.set(path, body);
        return res.writeHead(200).end();
      }
      if (req.method === 'GET') {
        const o = objects.get(path);
        return o
          ? res.writeHead(200).end(o)
          : res.writeHead(404).end('<Error><Code>NoSuchKey</Code></Error>');
      }
      if (req.method === 'DELETE') {
        objects.delete(path);
        return res.writeHead(204).end();
      }
      res.writeHead(405).end();
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as AddressInfo).port;
      resolve({ server, endpoint: `http://127.0.0.1:${port}`, objects, seen });
    }),
  );
}

describe('S3-compatible attachment store', () => {
  let fake: Awaited<ReturnType<typeof startFakeS3>>;
  beforeAll(async () => {
    fake = await startFakeS3();
  });
  afterAll(async () => {
    await new Promise((r) => fake.server.close(r));
  });

  const store = (secretAccessKey = KEY.secretAccessKey, endpoint = fake.endpoint) =>
    new S3Store({ ...KEY, secretAccessKey, endpoint, bucket: BUCKET, pathStyle: true });

  it('puts, gets and removes an object with signed requests, path-style', async () => {
    const content = Buffer.from('%PDF-1.4 合同扫描件');
    await store().put('tnt_1/att_1', content, 'application/pdf');
    expect(fake.seen.at(-1)).toEqual({
      method: 'PUT',
      path: `/${BUCKET}/tnt_1/att_1`,
      contentType: 'application/pdf',
      ok: true,
    });
    expect(fake.objects.get(`/${BUCKET}/tnt_1/att_1`)?.equals(content)).toBe(true);
    expect((await store().get('tnt_1/att_1')).equals(content)).toBe(true);
    await store().remove('tnt_1/att_1');
    expect(fake.objects.has(`/${BUCKET}/tnt_1/att_1`)).toBe(false);
  });

  it('reports a refused signature and an unreachable store as ATTACHMENT_STORAGE_FAILED', async () => {
    const wrong = store('not-the-secret').put('tnt_1/att_2', Buffer.from('x'), 'text/plain');
    await expect(wrong).rejects.toBeInstanceOf(AppError);
    await expect(wrong).rejects.toMatchObject({ code: 'ATTACHMENT_STORAGE_FAILED' });
    expect(fake.seen.at(-1)).toMatchObject({ method: 'PUT', ok: false });
    expect(fake.objects.has(`/${BUCKET}/tnt_1/att_2`)).toBe(false);
    await expect(store(KEY.secretAccessKey, 'http://127.0.0.1:1').get('tnt_1/x')).rejects.toMatchObject({
      code: 'ATTACHMENT_STORAGE_FAILED',
    });
  });

  it('refuses a key that is not made by the server', async () => {
    await expect(store().put('../etc/passwd', Buffer.from('x'), 'text/plain')).rejects.toThrow(/unsafe/);
  });

  describe('through the API when configured', () => {
    let database: TestDatabase;
    let app: Awaited<ReturnType<typeof buildTestApp>>;
    beforeAll(async () => {
      Object.assign(process.env, {
        ATTACHMENTS_S3_ENDPOINT: fake.endpoint,
        ATTACHMENTS_S3_BUCKET: BUCKET,
        ATTACHMENTS_S3_REGION: KEY.region,
        ATTACHMENTS_S3_ACCESS_KEY_ID: KEY.accessKeyId,
        ATTACHMENTS_S3_SECRET_ACCESS_KEY: KEY.secretAccessKey,
      });
      database = await openTestDatabase();
      app = await buildTestApp(database);
    });
    afterAll(async () => {
      for (const k of Object.keys(process.env)) if (k.startsWith('ATTACHMENTS_S3_')) delete process.env[k];
      await app.close();
      await database.drop();
    });

    it('uploads to the store and downloads from it', async () => {
      const org = await makeOrg(database.db);
      const rep = await clientFor(app, org.users.repA1);
      const account = (await rep.post('/api/accounts', makeAccountInput())).json();
      const deal = (await rep.post('/api/deals', makeDealInput(account.id))).json();
      const csv = Buffer.from('型号,数量\nW100,3\n');
      const res = await rep.request({
        method: 'POST',
        url: `/api/attachments?fileName=${encodeURIComponent('清单.csv')}&recordType=deal&recordId=${deal.id}`,
        payload: csv,
        headers: { 'content-type': 'application/octet-stream' },
      });
      expect(res.statusCode).toBe(201);
      const att = res.json();
      expect(fake.objects.get(`/${BUCKET}/${org.tenant.id}/${att.id}`)?.equals(csv)).toBe(true);
      const row = await database.db
        .selectFrom('attachments')
        .select(['storage', 'storageKey'])
        .where('id', '=', att.id)
        .executeTakeFirstOrThrow();
      expect(row).toEqual({ storage: 's3', storageKey: `${org.tenant.id}/${att.id}` });
      const dl = await rep.get(`/api/attachments/${att.id}`);
      expect(dl.statusCode).toBe(200);
      expect(dl.headers['content-type']).toBe('text/csv');
      expect(dl.rawPayload.equals(csv)).toBe(true);

      // The store loses the object: the download says the store failed, it does not invent a file.
      fake.objects.clear();
      const lost = await rep.get(`/api/attachments/${att.id}`);
      expect(lost.statusCode).toBe(503);
      expect(lost.json().code).toBe('ATTACHMENT_STORAGE_FAILED');
    });
  });
});
