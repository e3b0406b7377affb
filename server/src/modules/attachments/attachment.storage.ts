import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import { AppError } from '../../shared/errors';
import { parseInput } from '../../shared/validation';
import { type AttachmentScanner, ClamdScanner } from './attachment.scanner';
import { encodeKey, type SigV4Credentials, sha256Hex, signV4 } from './sigv4';

/** Where attachment bytes live. Keys are made by the server (`tenant/id`), never from file names. */
export interface AttachmentStore {
  readonly kind: 'disk' | 's3';
  put(key: string, content: Buffer, contentType: string): Promise<void>;
  get(key: string): Promise<Buffer>;
  remove(key: string): Promise<void>;
}

const SAFE_KEY = /^[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)*$/;
function assertKey(key: string) {
  if (!SAFE_KEY.test(key)) throw new Error(`unsafe storage key ${key}`);
}

export class DiskStore implements AttachmentStore {
  readonly kind = 'disk' as const;
  private readonly root: string;
  constructor(root: string) {
    this.root = resolve(root);
  }
  private path(key: string) {
    assertKey(key);
    return join(this.root, key);
  }
  async put(key: string, content: Buffer) {
    const path = this.path(key);
    await mkdir(dirname(path), { recursive: true });
    // Written aside and renamed, so a reader never sees half a file.
    const tmp = `${path}.part`;
    await writeFile(tmp, content, { mode: 0o640 });
    await rename(tmp, path);
  }
  async get(key: string) {
    return readFile(this.path(key));
  }
  async remove(key: string) {
    await rm(this.path(key), { force: true });
  }
}

export interface S3Options extends SigV4Credentials {
  /** e.g. https://s3.cn-north-1.amazonaws.com.cn or http://127.0.0.1:9000 (MinIO). */
  endpoint: string;
  bucket: string;
  /** Path-style URLs (endpoint/bucket/key), as MinIO and most private stores want. */
  pathStyle: boolean;
  now?: () => Date;
}

/** An S3-compatible object store, spoken to with fetch and SigV4 (no SDK). */
export class S3Store implements AttachmentStore {
  readonly kind = 's3' as const;
  constructor(private readonly opts: S3Options) {}

  private url(key: string): URL {
    assertKey(key);
    const base = new URL(this.opts.endpoint);
    if (this.opts.pathStyle) {
      const prefix = base.pathname.replace(/\/$/, '');
      return new URL(`${base.origin}${prefix}/${this.opts.bucket}/${encodeKey(key)}`);
    }
    return new URL(`${base.protocol}//${this.opts.bucket}.${base.host}/${encodeKey(key)}`);
  }

  private async call(method: 'PUT' | 'GET' | 'DELETE', key: string, body?: Buffer, contentType?: string) {
    const url = this.url(key);
    const headers = signV4(this.opts, {
      method,
      url,
      headers: contentType ? { 'content-type': contentType } : {},
      payloadHash: sha256Hex(body ?? ''),
      now: this.opts.now?.() ?? new Date(),
    });
    // fetch sets Host itself from the URL, which is what was signed.
    const { host: _host, ...send } = headers;
    let res: Response;
    try {
      res = await fetch(url, { method, headers: send, body: body ? new Uint8Array(body) : undefined });
    } catch (err) {
      throw new AppError('ATTACHMENT_STORAGE_FAILED', { cause: err });
    }
    if (!res.ok && !(method === 'DELETE' && res.status === 404)) {
      const text = await res.text().catch(() => '');
      throw new AppError('ATTACHMENT_STORAGE_FAILED', {
        cause: new Error(`S3 ${method} ${url.pathname}: ${res.status} ${text.slice(0, 300)}`),
      });
    }
    return res;
  }

  async put(key: string, content: Buffer, contentType: string) {
    await this.call('PUT', key, content, contentType);
  }
  async get(key: string) {
    const res = await this.call('GET', key);
    return Buffer.from(await res.arrayBuffer());
  }
  async remove(key: string) {
    await this.call('DELETE', key);
  }
}

const envSchema = z.object({
  ATTACHMENTS_DIR: z.string().min(1).default('./data/attachments'),
  ATTACHMENTS_MAX_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(20 * 1024 * 1024),
  ATTACHMENTS_S3_ENDPOINT: z.url().optional(),
  ATTACHMENTS_S3_BUCKET: z.string().min(1).optional(),
  ATTACHMENTS_S3_REGION: z.string().min(1).default('us-east-1'),
  ATTACHMENTS_S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  ATTACHMENTS_S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  ATTACHMENTS_S3_PATH_STYLE: z.enum(['true', 'false']).default('true'),
  ATTACHMENTS_CLAMD_HOST: z.string().min(1).optional(),
  ATTACHMENTS_CLAMD_PORT: z.coerce.number().int().min(1).max(65535).default(3310),
});

export interface AttachmentConfig {
  maxBytes: number;
  store: AttachmentStore;
  /** Virus scanning before a file is stored (ClamAV when ATTACHMENTS_CLAMD_HOST is set). */
  scanner?: AttachmentScanner;
}

/**
 * Attachment settings from the environment: a directory on disk by default, an S3-compatible
 * store when ATTACHMENTS_S3_ENDPOINT and ATTACHMENTS_S3_BUCKET are set.
 */
export function attachmentConfigFromEnv(env: NodeJS.ProcessEnv = process.env): AttachmentConfig {
  const e = parseInput(envSchema, env);
  const scanner = e.ATTACHMENTS_CLAMD_HOST
    ? new ClamdScanner(e.ATTACHMENTS_CLAMD_HOST, e.ATTACHMENTS_CLAMD_PORT)
    : undefined;
  const store =
    e.ATTACHMENTS_S3_ENDPOINT && e.ATTACHMENTS_S3_BUCKET
      ? new S3Store({
          endpoint: e.ATTACHMENTS_S3_ENDPOINT,
          bucket: e.ATTACHMENTS_S3_BUCKET,
          region: e.ATTACHMENTS_S3_REGION,
          accessKeyId: e.ATTACHMENTS_S3_ACCESS_KEY_ID ?? '',
          secretAccessKey: e.ATTACHMENTS_S3_SECRET_ACCESS_KEY ?? '',
          pathStyle: e.ATTACHMENTS_S3_PATH_STYLE === 'true',
        })
      : new DiskStore(e.ATTACHMENTS_DIR);
  return { maxBytes: e.ATTACHMENTS_MAX_BYTES, store, scanner };
}
