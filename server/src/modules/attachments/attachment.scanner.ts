import { connect } from 'node:net';

/** Scans a file before it is stored; `infected` names what was found. */
export interface AttachmentScanner {
  scan(content: Buffer): Promise<{ clean: true } | { clean: false; signature: string }>;
}

/**
 * ClamAV's daemon (clamd) over TCP with the INSTREAM command: the file goes in chunks, each
 * prefixed by its length, and clamd answers "stream: OK" or "stream: <signature> FOUND".
 * Anything else (no daemon, a timeout, an error reply) rejects, and the upload is refused.
 */
export class ClamdScanner implements AttachmentScanner {
  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly timeoutMs = 30_000,
  ) {}

  scan(content: Buffer): Promise<{ clean: true } | { clean: false; signature: string }> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: this.host, port: this.port });
      const reply: Buffer[] = [];
      socket.setTimeout(this.timeoutMs, () => socket.destroy(new Error('clamd timed out')));
      socket.on('error', reject);
      socket.on('data', (d: Buffer) => reply.push(d));
      socket.on('end', () => {
        socket.destroy();
        const text = Buffer.concat(reply).toString('utf8').replace(/\0/g, '').trim();
        const found = /^stream: (.+) FOUND$/.exec(text);
        if (text === 'stream: OK') resolve({ clean: true });
        else if (found) resolve({ clean: false, signature: found[1]! });
        else reject(new Error(`clamd answered: ${text.slice(0, 200)}`));
      });
      socket.on('connect', () => {
        socket.write('zINSTREAM\0');
        const CHUNK = 64 * 1024;
        for (let i = 0; i < content.length; i += CHUNK) {
          const part = content.subarray(i, i + CHUNK);
          const size = Buffer.alloc(4);
          size.writeUInt32BE(part.length);
          socket.write(size);
          socket.write(part);
        }
        socket.end(Buffer.alloc(4)); // a zero-length chunk ends the stream
      });
    });
  }
}
