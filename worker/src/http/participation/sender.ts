// Who wrote a message sent through the portal: a signed-in user's account, or the name and address a visitor typed.
import { checkEmail, checkText } from '../../domain/participation-rules';
import type { Actor } from '../../domain/permissions';
import type { Env } from '../../env';
import { t } from '../../i18n';
import type { FieldErrors } from '../../render/forms';
import { findUserById } from '../../store/users';
import { LANG } from '../pages';

/** The sender's name and address; a visitor's invalid fields are added to `errors`. */
export async function senderIdentity(env: Env, actor: Actor, values: Record<string, string>, errors: FieldErrors): Promise<{ name: string; email: string }> {
  if (actor.kind === 'user') {
    const user = (await findUserById(env.DB, actor.id))!;
    return { name: `${user.first_name} ${user.last_name}`.trim() || user.username, email: user.email };
  }
  let name = '';
  let email = '';
  const n = checkText(values.name, 'name');
  if ('error' in n) errors.name = t(LANG, n.error); else name = n.value;
  const e = checkEmail(values.email);
  if ('error' in e) errors.email = t(LANG, e.error); else email = e.value;
  return { name, email };
}
