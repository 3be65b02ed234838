// The SFTP server's only way to the portal: the Worker's internal SFTP endpoints, with the operator token.
// Files travel as streams between a local temporary file and the Worker, never whole in memory.
import { createReadStream, createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';

export interface Account {
  userId: string;
  username: string;
  maxFileBytes: number;
  /** For key sign-in: the registered key (OpenSSH line) the client's signature must verify against. */
  publicKey?: string;
}

export interface RemoteEntry {
  name: string;
  directory: boolean;
  size: number;
  modified: string | null;
}

/** A refusal of the Worker (or its absence: status 0), with the French message meant for the user. */
export class PortalError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

export class PortalClient {
  constructor(private readonly portalUrl: string, private readonly operatorToken: string) {}

  private async call(path: string, init: RequestInit = {}): Promise<Response> {
    let response: Response;
    try {
      response = await fetch(`${this.portalUrl}/api/internal/sftp${path}`, {
        ...init,
        headers: { authorization: `Bearer ${this.operatorToken}`, ...(init.headers as Record<string, string>) },
      });
    } catch (error) {
      throw new PortalError(0, (error as Error).message);
    }
    if (response.ok) return response;
    const body = await response.json().catch(() => null) as { error?: { message?: string } } | null;
    throw new PortalError(response.status, body?.error?.message ?? `HTTP ${response.status}`);
  }

  private homePath(account: Account, operation: string, path: string, extra = ''): string {
    return `/homes/${encodeURIComponent(account.userId)}/${operation}?path=${encodeURIComponent(path)}${extra}`;
  }

  /** The account, or null when the credentials are refused (a PortalError for anything else). */
  async signIn(attempt: { username: string; clientIp: string } & ({ password: string } | { publicKey: string })): Promise<Account | null> {
    try {
      const response = await this.call('/auth', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(attempt) });
      return (await response.json()) as Account;
    } catch (error) {
      if (error instanceof PortalError && (error.status === 401 || error.status === 403)) return null;
      throw error;
    }
  }

  async stat(account: Account, path: string): Promise<RemoteEntry | null> {
    try {
      return (await (await this.call(this.homePath(account, 'stat', path))).json()) as RemoteEntry;
    } catch (error) {
      if (error instanceof PortalError && error.status === 404) return null;
      throw error;
    }
  }

  async list(account: Account, path: string): Promise<RemoteEntry[]> {
    return ((await (await this.call(this.homePath(account, 'entries', path))).json()) as { entries: RemoteEntry[] }).entries;
  }

  async download(account: Account, path: string, file: string): Promise<void> {
    const response = await this.call(this.homePath(account, 'file', path));
    await pipeline(Readable.fromWeb(response.body as WebReadableStream), createWriteStream(file));
  }

  async upload(account: Account, path: string, file: string): Promise<void> {
    const { size } = await stat(file);
    await this.call(this.homePath(account, 'file', path), {
      method: 'PUT',
      headers: { 'content-length': String(size), 'content-type': 'application/octet-stream' },
      body: Readable.toWeb(createReadStream(file)) as ReadableStream,
      duplex: 'half',
    } as RequestInit);
  }

  async remove(account: Account, path: string): Promise<void> {
    await this.call(this.homePath(account, 'file', path), { method: 'DELETE' });
  }

  async makeDirectory(account: Account, path: string): Promise<void> {
    await this.call(this.homePath(account, 'directory', path), { method: 'POST' });
  }

  async removeDirectory(account: Account, path: string): Promise<void> {
    await this.call(this.homePath(account, 'directory', path), { method: 'DELETE' });
  }

  async rename(account: Account, from: string, to: string): Promise<void> {
    await this.call(this.homePath(account, 'rename', from, `&to=${encodeURIComponent(to)}`), { method: 'POST' });
  }
}
