import type { Command } from 'commander';

/** Appends an Examples section to a command's --help. */
export function withExamples(command: Command, ...lines: string[]): Command {
  return command.addHelpText(
    'after',
    `\nExamples:\n${lines.map((line) => `  $ lakeward ${line}`).join('\n')}\n`,
  );
}
