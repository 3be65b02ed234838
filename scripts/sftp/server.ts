// The portal's SFTP server (ssh2): users sign in with their portal credentials, a password or an SSH key added on
// /user/sftp, and get a private home stored in R2. It keeps no data of its own: every check and every file goes
// through the Worker's internal SFTP endpoints with the operator token. `npm start` runs it beside wrangler dev;
// in production it runs alone (`npx tsx scripts/sftp/server.ts`) on a small VM or container.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import ssh2, { type Connection } from 'ssh2';
import { DEFAULT_SFTP_PORT } from '../../worker/src/domain/sftp';
import { loadOrCreateHostKey } from './host-key';
import { PortalClient, type Account } from './portal-client';
import { serveSftp } from './session';

export interface SftpServerOptions {
  port: number;
  /** Listening address: 127.0.0.1 for the local portal, 0.0.0.0 (default) in production. */
  host?: string;
  portalUrl: string;
  operatorToken: string;
  hostKeyPath: string;
}

export interface RunningSftpServer {
  port: number;
  close(): Promise<void>;
}

// ssh2 is CommonJS: its named exports are read from the default one.
const { Server, utils } = ssh2;
const METHODS: Array<'publickey' | 'password'> = ['publickey', 'password'];
const log = (message: string) => console.log(`[sftp] ${message}`);

/** The key type written inside an SSH key blob (a client signing with RSA names `rsa-sha2-256`, the blob `ssh-rsa`). */
function blobType(blob: Buffer): string {
  return blob.length >= 4 ? blob.subarray(4, 4 + blob.readUInt32BE(0)).toString('latin1') : '';
}

function authenticate(client: Connection, clientIp: string, portal: PortalClient, signedIn: (account: Account) => void): void {
  // A client first asks whether a key would do, then signs with it: one Worker lookup serves both.
  const keyLookups = new Map<string, Promise<Account | null>>();
  client.on('authentication', (ctx) => {
    const refuse = (error?: Error) => {
      if (error) log(`connexion refusée pour ${ctx.username} : ${error.message}`);
      ctx.reject(METHODS);
    };
    if (ctx.method === 'password') {
      portal.signIn({ username: ctx.username, clientIp, password: ctx.password }).then((account) => {
        if (!account) return refuse();
        signedIn(account);
        ctx.accept();
      }, refuse);
      return;
    }
    if (ctx.method === 'publickey') {
      const line = `${blobType(ctx.key.data)} ${ctx.key.data.toString('base64')}`;
      let lookup = keyLookups.get(line);
      if (!lookup) keyLookups.set(line, (lookup = portal.signIn({ username: ctx.username, clientIp, publicKey: line })));
      lookup.then((account) => {
        if (!account?.publicKey) return refuse();
        if (!ctx.signature || !ctx.blob) return ctx.accept(); // the key is known: the client may now sign with it
        const key = utils.parseKey(account.publicKey);
        if (key instanceof Error || !key.verify(ctx.blob, ctx.signature, ctx.hashAlgo)) return refuse();
        signedIn(account);
        ctx.accept();
      }, refuse);
      return;
    }
    refuse();
  });
}

export async function startSftpServer(options: SftpServerOptions): Promise<RunningSftpServer> {
  const portal = new PortalClient(options.portalUrl, options.operatorToken);
  const tempDir = mkdtempSync(join(tmpdir(), 'portail-sftp-'));
  const clients = new Set<Connection>();
  const server = new Server({ hostKeys: [loadOrCreateHostKey(options.hostKeyPath)] }, (client, info) => {
    clients.add(client);
    let account: Account | null = null;
    authenticate(client, info.ip, portal, (signedIn) => (account = signedIn));
    client.on('ready', () => {
      // Only the sftp subsystem is served: shells, commands and forwarding have no listener and are refused.
      client.on('session', (acceptSession) => {
        acceptSession().on('sftp', (acceptSftp) => serveSftp(acceptSftp(), account!, portal, tempDir));
      });
    });
    client.on('error', (error) => log(`${info.ip} : ${error.message}`));
    client.on('close', () => clients.delete(client));
  });
  await new Promise<void>((listening, failed) => {
    server.once('error', failed);
    server.listen(options.port, options.host ?? '0.0.0.0', () => listening());
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : options.port,
    async close() {
      for (const client of clients) client.end();
      await new Promise<void>((closed) => server.close(() => closed()));
      rmSync(tempDir, { recursive: true, force: true });
    },
  };
}

// Run alone (production): settings from the environment.
if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const required = (name: string) => {
    const value = process.env[name];
    if (!value) throw new Error(`${name} est obligatoire`);
    return value;
  };
  const running = await startSftpServer({
    port: Number(process.env.SFTP_PORT ?? DEFAULT_SFTP_PORT),
    host: process.env.SFTP_LISTEN,
    portalUrl: required('PORTAL_URL'),
    operatorToken: required('OPERATOR_TOKEN'),
    hostKeyPath: resolve(process.env.SFTP_HOST_KEY ?? 'sftp_host_ed25519'),
  });
  log(`serveur SFTP à l’écoute sur le port ${running.port}`);
  const stop = () => void running.close();
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
