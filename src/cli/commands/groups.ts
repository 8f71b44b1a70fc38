import type { Command } from 'commander';
import { InvalidInput } from '../../errors/index.js';
import type { Grantee, GroupInfo } from '../../governance/index.js';
import { printJson, printRows, type Output } from '../output.js';
import { withSession, type GlobalOptions } from '../session.js';
import { withExamples } from './examples.js';
import { granteeText } from './governance-args.js';

interface MemberOptions {
  user?: string;
  group?: string;
}

function memberOf(options: MemberOptions): Grantee {
  if ((options.user === undefined) === (options.group === undefined)) {
    throw new InvalidInput(
      'INVALID_OPTION',
      'Name exactly one member: --user NAME or --group NAME.',
      {
        hint: 'e.g. lakeward groups add-member marketing_team --user alice',
      },
    );
  }
  return options.user !== undefined
    ? { kind: 'principal', name: options.user }
    : { kind: 'group', name: options.group! };
}

function describeGroup(group: GroupInfo): string {
  const members = group.members.map(granteeText).join(', ') || 'no members';
  return `${group.name}: ${members}`;
}

export function registerGroups(program: Command, out: Output): void {
  const groups = program
    .command('groups')
    .alias('group')
    .description('groups of principals (and of groups)');
  withExamples(
    groups,
    'groups create marketing_team',
    'groups add-member marketing_team --user alice',
  );
  const globals = (command: Command) => command.optsWithGlobals<GlobalOptions>();

  withExamples(
    groups
      .command('create')
      .description('create a group')
      .argument('<name>', 'e.g. marketing_team')
      .option('--description <text>', 'what the group is for')
      .action(async (name: string, options: { description?: string }, command: Command) => {
        const created = await withSession(globals(command), (s) =>
          s.services.directory.createGroup(s.caller, {
            name,
            ...(options.description === undefined ? {} : { description: options.description }),
          }),
        );
        out.stdout.write(`Created group ${created.name}\n`);
      }),
    'groups create marketing_team --description "Campaign analysts"',
  );

  withExamples(
    groups
      .command('list')
      .description('every group with its direct members')
      .option('--json', 'print JSON')
      .action(async (options: { json?: boolean }, command: Command) => {
        const list = await withSession(globals(command), (s) =>
          s.services.directory.listGroups(s.caller),
        );
        if (options.json) return printJson(out, list);
        printRows(
          out,
          ['NAME', 'MEMBERS', 'DESCRIPTION'],
          list.map((g) => [g.name, g.members.map(granteeText).join(', '), g.description]),
        );
      }),
    'groups list',
  );

  withExamples(
    groups
      .command('delete')
      .description('delete a group with its memberships and grants')
      .argument('<name>')
      .action(async (name: string, _options: unknown, command: Command) => {
        await withSession(globals(command), (s) =>
          s.services.directory.deleteGroup(s.caller, name),
        );
        out.stdout.write(`Deleted group ${name}\n`);
      }),
    'groups delete marketing_team',
  );

  for (const [verb, description] of [
    ['add-member', 'add a user or a group to a group'],
    ['remove-member', 'remove a member from a group'],
  ] as const) {
    withExamples(
      groups
        .command(verb)
        .description(description)
        .argument('<group>')
        .option('--user <name>', 'a user or service account')
        .option('--group <name>', 'a group (groups may contain groups; cycles are refused)')
        .action(async (group: string, options: MemberOptions, command: Command) => {
          const member = memberOf(options);
          const updated = await withSession(globals(command), (s) =>
            verb === 'add-member'
              ? s.services.directory.addMember(s.caller, group, member)
              : s.services.directory.removeMember(s.caller, group, member),
          );
          out.stdout.write(`${describeGroup(updated)}\n`);
        }),
      `groups ${verb} marketing_team --user alice`,
      `groups ${verb} analysts --group marketing_team`,
    );
  }
}
