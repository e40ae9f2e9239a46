import type { Command } from 'commander';
import { EightballError } from '../../domain/index.ts';
import { findUserByName, listTokens, listUsers } from '../../store/index.ts';
import {
  createApiToken,
  createUser,
  generatePassword,
  isRole,
  ROLES,
  resetPassword,
  revokeApiToken,
} from '../../triage/index.ts';
import { withStore } from '../context.ts';

export function registerUsers(program: Command): void {
  const users = program.command('users').description('manage the people who use the web app and the API');
  users
    .command('add')
    .description('add a user; prints a one-time password to change at first login')
    .argument('<username>', 'letters, digits or _ . @ -, 2 to 64 of them')
    .option('-r, --role <role>', `one of ${ROLES.join(', ')}`, 'reporter')
    .addHelpText('after', '\nExample:\n  $ eightball users add alice --role admin')
    .action(async (username: string, o, cmd: Command) => {
      if (!isRole(o.role))
        throw new EightballError('usage', `--role: one of ${ROLES.join(', ')}, not "${o.role}"`);
      await withStore(cmd, async (store) => {
        const password = generatePassword();
        await createUser(store, { username, password, role: o.role, mustChangePassword: true }, null);
        process.stdout.write(`${username} (${o.role}) one-time password: ${password}\n`);
      });
    });
  users
    .command('reset-password')
    .description("give a user a new one-time password and end the user's sessions")
    .argument('<username>')
    .addHelpText(
      'after',
      '\nThe password is printed once; the next login must change it.\n\nExample:\n  $ eightball users reset-password alice',
    )
    .action(async (username: string, _o, cmd: Command) => {
      await withStore(cmd, async (store) => {
        const password = generatePassword();
        if (!(await resetPassword(store, username, password, null)))
          throw new EightballError('not-found', `no user "${username}": see eightball users list`);
        process.stdout.write(`${username} one-time password: ${password}\n`);
      });
    });
  users
    .command('list')
    .description('list users and their roles')
    .action(async (_o, cmd: Command) => {
      await withStore(cmd, async (store) => {
        for (const u of await listUsers(store.db)) {
          process.stdout.write(
            `${u.username.padEnd(24)} ${u.role.padEnd(9)} ${u.disabled === 1 ? 'disabled' : ''}\n`,
          );
        }
      });
    });

  const tokens = program.command('tokens').description('manage API tokens (stored hashed; shown once)');
  tokens
    .command('create')
    .description("create an API token acting as a user, with that user's role")
    .requiredOption('-u, --user <username>', 'the user the token acts as')
    .option('-n, --name <name>', 'what the token is for', 'cli')
    .addHelpText('after', '\nExample:\n  $ eightball tokens create --user alice --name ci-bot')
    .action(async (o, cmd: Command) => {
      await withStore(cmd, async (store) => {
        const u = await findUserByName(store.db, o.user);
        if (!u)
          throw new EightballError('not-found', `no user "${o.user}": add one with eightball users add`);
        const { id, token } = await createApiToken(store, Number(u.id), o.name, null);
        process.stderr.write(`token ${id} for ${u.username} (${u.role}); it is not shown again:\n`);
        process.stdout.write(`${token}\n`);
      });
    });
  tokens
    .command('list')
    .description('list tokens (their first characters only)')
    .action(async (_o, cmd: Command) => {
      await withStore(cmd, async (store) => {
        for (const t of await listTokens(store.db)) {
          process.stdout.write(
            `${String(t.id).padEnd(5)} ${t.prefix}…  ${t.username.padEnd(16)} ${t.name.padEnd(16)} ${t.revoked_at ? `revoked ${t.revoked_at}` : `last used ${t.last_used_at ?? 'never'}`}\n`,
          );
        }
      });
    });
  tokens
    .command('revoke')
    .description('revoke a token by id')
    .argument('<id>')
    .action(async (id: string, _o, cmd: Command) => {
      await withStore(cmd, async (store) => {
        if (!(await revokeApiToken(store, Number(id), null))) {
          throw new EightballError('not-found', `no live token ${id}`);
        }
        process.stdout.write(`token ${id} revoked\n`);
      });
    });
}
