// `npm run admin -- <command>`: bootstraps a fresh portal, as CKAN's `ckan sysadmin add` does.
//   create-admin --username U --email E --password P   a confirmed platform administrator
//   create-token --username U                          a new read-write API token, printed as the last line
// Writes the local D1 of `npm start` (PORTAL_STATE_DIR) through wrangler, or the deployed one with --remote.
// The password is hashed here with the Worker's own functions and parameters; the token is stored hashed.
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { emailProblem, normalizeEmail, passwordProblem, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, usernameProblem } from '../worker/src/domain/accounts';
import { hashPassword, scryptParams } from '../worker/src/domain/password-hash';
import { t } from '../worker/src/i18n';
import { generateSecret, hashSecret } from '../worker/src/domain/secrets';
import { ROOT, STATE_DIR } from './lib/local-config';

const WRANGLER = resolve(ROOT, 'node_modules/wrangler/bin/wrangler.js');
const USAGE = `Usage :
  npm run admin -- create-admin --username U --email E --password P [--remote]
  npm run admin -- create-token --username U [--remote]`;

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { username: { type: 'string' }, email: { type: 'string' }, password: { type: 'string' }, remote: { type: 'boolean', default: false } },
});
const target = values.remote ? ['--remote'] : ['--local', '--persist-to', STATE_DIR];

class Refusal extends Error {}

function wrangler(args: string[]): string {
  // CI=1: wrangler asks nothing (migrations are applied without a prompt).
  const result = spawnSync(process.execPath, [WRANGLER, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, CI: '1' } });
  if (result.status !== 0) throw new Error(`wrangler ${args.slice(0, 3).join(' ')} a échoué :\n${result.stderr || result.stdout}`);
  return result.stdout;
}

const sql = (value: string | number | null): string =>
  value === null ? 'NULL' : typeof value === 'number' ? String(value) : `'${value.replace(/'/g, "''")}'`;

function query<T>(statement: string): T[] {
  const output = wrangler(['d1', 'execute', 'portail-catalogue', ...target, '--json', '--command', statement]);
  const parsed = JSON.parse(output.slice(output.indexOf('['))) as Array<{ results: T[] }>;
  return parsed.flatMap((p) => p.results);
}

async function createAdmin(): Promise<void> {
  const username = (values.username ?? '').trim();
  const email = normalizeEmail(values.email ?? '');
  const password = values.password ?? '';
  const problems = [
    usernameProblem(username),
    emailProblem(email),
    passwordProblem(password, [username, email.split('@')[0] ?? '']),
  ].filter((p) => p !== null);
  if (problems.length > 0) throw new Refusal(problems.map((p) => t('fr', p, { min: PASSWORD_MIN_LENGTH, max: PASSWORD_MAX_LENGTH })).join('\n'));

  const hash = await hashPassword(password, scryptParams(process.env.PASSWORD_SCRYPT));
  const id = crypto.randomUUID();
  const now = new Date().toISOString();
  // One wrangler call (each costs seconds): the account is inserted only if neither name nor address is taken.
  const insert = `INSERT INTO users (id, username, email, first_name, last_name, password_hash, email_confirmed_at, is_admin, terms_version,
      terms_accepted_at, password_changed_at, created_at, updated_at)
    SELECT ${sql(id)}, ${sql(username)}, ${sql(email)}, '', '', ${sql(hash)}, ${sql(now)}, 1,
      (SELECT version FROM terms_versions ORDER BY published_at DESC LIMIT 1), ${sql(now)}, ${sql(now)}, ${sql(now)}, ${sql(now)}
    WHERE NOT EXISTS (SELECT 1 FROM users WHERE username = ${sql(username)} OR email = ${sql(email)} COLLATE NOCASE)
    RETURNING id;
    INSERT INTO audit_log (at, actor, action, object_type, object_id, detail)
    SELECT ${sql(now)}, 'operator', 'account.admin_created', 'user', ${sql(id)}, ${sql(JSON.stringify({ username }))}
    WHERE EXISTS (SELECT 1 FROM users WHERE id = ${sql(id)});`;
  let created: Array<{ id?: string }>;
  try {
    created = query(insert);
  } catch (error) {
    // A portal never started has no tables yet: create them, then insert.
    if (!String(error).includes('no such table')) throw error;
    wrangler(['d1', 'migrations', 'apply', 'DB', ...target]);
    created = query(insert);
  }
  if (!created.some((row) => row.id === id)) throw new Refusal("Un compte existe déjà avec ce nom d'utilisateur ou cette adresse e-mail.");
  console.log(`Administrateur « ${username} » créé (adresse ${email} confirmée).`);
}

function createToken(): void {
  const username = (values.username ?? '').trim();
  if (!username) throw new Refusal('Indiquez le compte avec --username.');
  const secret = generateSecret();
  const id = crypto.randomUUID();
  const now = new Date().toISOString();
  const created = query<{ id?: string }>(`INSERT INTO api_tokens (id, user_id, name, token_hash, scope, created_at)
    SELECT ${sql(id)}, id, ${sql(`ligne de commande ${now.slice(0, 10)}`)}, ${sql(hashSecret(secret))}, 'read_write', ${sql(now)}
    FROM users WHERE username = ${sql(username)} AND email_confirmed_at IS NOT NULL
    RETURNING id;
    INSERT INTO audit_log (at, actor, action, object_type, object_id, detail)
    SELECT ${sql(now)}, 'operator', 'api_token.created', 'api_token', ${sql(id)}, ${sql(JSON.stringify({ username, scope: 'read_write' }))}
    WHERE EXISTS (SELECT 1 FROM api_tokens WHERE id = ${sql(id)});`);
  if (!created.some((row) => row.id === id)) throw new Refusal(`Aucun compte confirmé ne s'appelle « ${username} ».`);
  console.log(`Jeton d'API en lecture et écriture créé pour « ${username} » ; il ne sera plus affiché :`);
  // Last line, alone, so that scripts can take it with `tail -n 1`.
  console.log(secret);
}

try {
  const [command] = positionals;
  if (command === 'create-admin') await createAdmin();
  else if (command === 'create-token') createToken();
  else {
    console.error(USAGE);
    process.exitCode = 2;
  }
} catch (error) {
  console.error(error instanceof Refusal ? `Refusé : ${error.message}` : (error as Error).message);
  process.exitCode = 1;
}
