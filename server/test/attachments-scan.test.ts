import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClamdScanner } from '../src/modules/attachments/attachment.scanner';
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

// Virus scanning through ClamAV's INSTREAM protocol, against a fake clamd on 127.0.0.1 that
// reassembles the chunks and "finds" a marker (no real malware sample in the repository).
const MARKER = 'SALESOPS-FAKE-VIRUS-MARKER';

function startFakeClamd(): Promise<{ server: Server; port: number; scanned: Buffer[] }> {
  const scanned: Buffer[] = [];
  const server = createServer((socket) => {
    let buf = Buffer.alloc(0);
    socket.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      const command = 'zINSTREAM\0';
      if (buf.length < command.length) return;
      if (buf.subarray(0, command.length).toString() !== command) {
        socket.end('UNKNOWN COMMAND\0');
        return;
      }
      // Walk the length-prefixed chunks; a zero length ends the stream.
      let at = command.length;
      const parts: Buffer[] = [];
      while (at + 4 <= buf.length) {
        const size = buf.readUInt32BE(at);
        if (size === 0) {
          const file = Buffer.concat(parts);
          scanned.push(file);
          socket.end(file.includes(MARKER) ? 'stream: Salesops.Test.Marker FOUND\0' : 'stream: OK\0');
          return;
        }
        if (at + 4 + size > buf.length) return;
        parts.push(buf.subarray(at + 4, at + 4 + size));
        at += 4 + size;
      }
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, port: (server.address() as AddressInfo).port, scanned }),
    ),
  );
}

describe('attachment virus scanning', () => {
  const dir = mkdtempSync(join(tmpdir(), 'salesops-scan-'));
  let clamd: Awaited<ReturnType<typeof startFakeClamd>>;
  let database: TestDatabase;
  let app: Awaited<ReturnType<typeof buildTestApp>>;
  let org: Org;
  let rep: Client;
  let deal: { id: string };

  beforeAll(async () => {
    clamd = await startFakeClamd();
    process.env.ATTACHMENTS_DIR = dir;
    process.env.ATTACHMENTS_CLAMD_HOST = '127.0.0.1';
    process.env.ATTACHMENTS_CLAMD_PORT = String(clamd.port);
    database = await openTestDatabase();
    app = await buildTestApp(database);
    org = await makeOrg(database.db);
    rep = await clientFor(app, org.users.repA1);
    const account = (await rep.post('/api/accounts', makeAccountInput())).json();
    deal = (await rep.post('/api/deals', makeDealInput(account.id))).json();
  });
  afterAll(async () => {
    for (const k of ['ATTACHMENTS_DIR', 'ATTACHMENTS_CLAMD_HOST', 'ATTACHMENTS_CLAMD_PORT'])
      delete process.env[k];
    await app.close();
    await database.drop();
    if (clamd.server.listening) await new Promise((r) => clamd.server.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  const upload = (fileName: string, content: Buffer) =>
    rep.request({
      method: 'POST',
      url: `/api/attachments?fileName=${fileName}&recordType=deal&recordId=${deal.id}`,
      payload: content,
      headers: { 'content-type': 'application/octet-stream' },
    });
  const storedFiles = () => readdirSync(join(dir, org.tenant.id), { withFileTypes: true }).length;

  it('streams a large file to clamd in chunks and stores it when clean', async () => {
    const big = Buffer.alloc(200 * 1024, 'a'); // four chunks of 64 KB and a tail
    const res = await upload('notes.txt', big);
    expect(res.statusCode).toBe(201);
    expect(clamd.scanned.at(-1)?.equals(big)).toBe(true);
  });

  it('refuses an infected file with 422 and stores nothing', async () => {
    const before = storedFiles();
    const res = await upload('readme.txt', Buffer.from(`hello\n${MARKER}\n`));
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ code: 'ATTACHMENT_INFECTED', field: 'body' });
    expect(res.json().message).toContain('Salesops.Test.Marker');
    expect(storedFiles()).toBe(before);
    const rows = await database.db
      .selectFrom('attachments')
      .select('id')
      .where('fileName', '=', 'readme.txt')
      .execute();
    expect(rows).toEqual([]);
  });

  it('refuses uploads while the scanner is down (503), rather than storing unscanned files', async () => {
    await new Promise((r) => clamd.server.close(r));
    const res = await upload('later.txt', Buffer.from('plain text'));
    expect(res.statusCode).toBe(503);
    expect(res.json().code).toBe('ATTACHMENT_SCAN_FAILED');
  });

  it('rejects a reply it does not understand', async () => {
    const odd = createServer((s) => s.resume().end('INSTREAM size limit exceeded. ERROR\0'));
    await new Promise<void>((r) => odd.listen(0, '127.0.0.1', () => r()));
    const scanner = new ClamdScanner('127.0.0.1', (odd.address() as AddressInfo).port);
    await expect(scanner.scan(Buffer.from('x'))).rejects.toThrow(/clamd answered/);
    await new Promise((r) => odd.close(r));
  });
});
