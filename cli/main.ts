// The `dsu` command line: dispatches to the subcommands.
// The other commands' modules are imported when that command runs: `dsu run`
// of a small program must not pay for compiling the patcher and mkpatch
// (start-up time and memory, scripts/bench/README.md).
import { UsageError } from './args.js';
import { runCommand, RUN_USAGE } from './run.js';
import { printErr, printError, printOut } from './output.js';

const USAGE = `usage: dsu <command> [options]
commands:
  run       run a 32-bit x86 Linux program in the emulator
  ping      check that a dsu process answers on its control socket (--control SOCK)
  patch     apply a patch (.so) to a running program: dsu patch --control SOCK PATCH.so [--timeout MS] [--relaxed] [--json]
  rollback  undo the most recent patch: dsu rollback --control SOCK [--force] [--json]
  status    list applied patches and which version of each function is live: dsu status --control SOCK [--json]
  modules   list the objects loaded in a running program (--control SOCK)
  got       list GOT/PLT import slots: of a program's file, or live (--control SOCK)
  mkpatch   make a live patch from two versions of a program's source: dsu mkpatch --old DIR --new DIR -o PATCH.so
${RUN_USAGE}`;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  // `dsu rollback ... | head -1`: the operation is done; a closed pipe must not turn its report into a stack trace
  if (command !== 'run') process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
  });
  try {
    switch (command) {
      case 'run':
        return await runCommand(rest);
      case 'ping':
        return await (await import('./control-client.js')).pingCommand(rest);
      case 'patch':
        return await (await import('./patch-commands.js')).patchCommand(rest);
      case 'rollback':
        return await (await import('./patch-commands.js')).rollbackCommand(rest);
      case 'status':
        return await (await import('./patch-commands.js')).statusCommand(rest);
      case 'modules':
        return await (await import('./modules.js')).modulesCommand(rest);
      case 'got':
        return await (await import('./got.js')).gotCommand(rest);
      case 'mkpatch':
        return await (await import('./mkpatch.js')).mkpatchCommand(rest);
      case 'help':
      case '--help':
        printOut(USAGE + '\n');
        return 0;
      case undefined:
        printErr(USAGE + '\n');
        return 2;
      default:
        throw new UsageError(`unknown command ${command}\n${USAGE}`);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      // a usage error may carry the usage text: several lines of dsu's own
      printErr(`dsu: ${e.message}\n`);
      return 2;
    }
    printError('dsu: internal error', (e as Error).message);
    return 70;
  }
}
