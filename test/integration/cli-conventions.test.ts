// The command line's conventions, for every command in dsu's own table
// (`dsu help --json`): --help and `dsu help CMD` (exit 0), --version, a
// suggestion for a mistyped option, --json success and failure outputs
// validated against docs/cli-schema.json, the exit statuses of the README,
// the bash completion and the man page made from the same table.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { BUILD, REPO } from '../helpers/run.js';
import { PATCH } from '../helpers/patch-cases.js';
import { CliResult, dsu } from '../helpers/patching.js';
import { Counter } from '../helpers/patch-targets.js';
import { MKPATCH_SAMPLES, ruleArgs } from '../helpers/mkpatch.js';

const ajv = new Ajv({ allErrors: true });
ajv.addSchema(JSON.parse(fs.readFileSync(path.join(REPO, 'docs', 'cli-schema.json'), 'utf8')) as object, 'cli');

/** The parsed stdout, checked against the schema's definition `name`. */
function valid(name: string, r: CliResult): unknown {
  const validate = ajv.getSchema(`cli#/definitions/${name}`);
  if (!validate) throw new Error(`docs/cli-schema.json has no definition ${name}`);
  const value = JSON.parse(r.stdout) as unknown;
  if (!validate(value)) throw new Error(`${name}: ${ajv.errorsText(validate.errors)}\n${r.stdout.slice(0, 2000)}`);
  return value;
}

/** A --json failure: the schema's error, with the exit status in it and the same line on stderr. */
function failure(r: CliResult, command: string | null, status: number, kind: string, message: RegExp): void {
  expect(r.status, r.stderr).toBe(status);
  const { error } = valid('error', r) as { error: { command: string | null; status: number; kind: string; message: string } };
  expect(error).toMatchObject({ command, status, kind });
  expect(error.message).toMatch(message);
  expect(r.stderr.split('\n')[0]).toContain(error.message.split('\n')[0]);
}

interface CommandEntry {
  name: string;
  synopsis: string[];
  options: { name: string; short?: string; value?: string }[];
}

let table: CommandEntry[];
beforeAll(async () => {
  const r = await dsu(['help', '--json']);
  expect(r.status).toBe(0);
  table = valid('help', r) as CommandEntry[];
});

describe('every command', () => {
  test('the table holds every command the README documents', () => {
    expect(table.map((c) => c.name).sort()).toEqual(['completion', 'doctor', 'got', 'help', 'include-dir', 'man', 'mkpatch', 'modules', 'patch', 'ping', 'rollback', 'run', 'status'].sort());
  });

  test('COMMAND --help and dsu help COMMAND: the same text, every option in it, exit 0', async () => {
    for (const c of table) {
      const help = await dsu([c.name, '--help']);
      expect(help.status, c.name).toBe(0);
      expect(help.stderr).toBe('');
      expect(help.stdout.startsWith(`usage: dsu ${c.name}`)).toBe(true);
      for (const o of c.options) expect(help.stdout, `${c.name} --${o.name}`).toContain(`--${o.name}${o.value ? ` ${o.value}` : ''}`);
      expect(help.stdout).toContain('-h, --help');
      const viaHelp = await dsu(['help', c.name]);
      expect(viaHelp).toEqual(help);
    }
  }, 300_000);

  test('a mistyped option is a usage error with a suggestion; with --json, a usage error as JSON', async () => {
    for (const c of table) {
      const real = c.options.find((o) => o.name.length >= 5);
      const word = real ? `--${real.name.slice(0, 2)}${real.name.slice(3)}` : '--no-such-option';
      const r = await dsu([c.name, '--json', word]);
      if (!c.options.some((o) => o.name === 'json')) {
        // completion and man print no JSON: --json is their unknown option
        expect(r.status).toBe(2);
        expect(r.stderr).toMatch(new RegExp(`^dsu ${c.name}: unknown option --json\\n`));
        continue;
      }
      failure(r, c.name, 2, 'usage', /^unknown option /);
      if (real) expect(r.stderr).toContain(`did you mean --${real.name}?`);
      expect(r.stderr).toContain(`(dsu help ${c.name} for the options)`);
    }
  }, 300_000);

  test('--version, and an unknown command (with a suggestion)', async () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { version: string };
    expect(await dsu(['--version'])).toEqual({ status: 0, stdout: `dsu ${pkg.version}\n`, stderr: '' });
    failure(await dsu(['stauts', '--json']), null, 2, 'usage', /^unknown command stauts; did you mean status\?/);
  });
});

describe('--json outputs against docs/cli-schema.json', () => {
  let counter: Counter;
  let scratch: string;
  beforeAll(async () => {
    counter = await Counter.start();
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'dsu-cli-json-'));
  }, 120_000);
  afterAll(async () => {
    await counter?.stop();
    fs.rmSync(scratch, { recursive: true, force: true });
  });
  const live = (args: string[]): Promise<CliResult> => dsu([...args, '--control', counter.socket, '--json']);

  test('the control commands: success and each exit status of a failure', async () => {
    expect(valid('ping', await live(['ping']))).toMatchObject({ exited: false });
    expect((valid('modules', await live(['modules'])) as { kind: string }[])[0].kind).toBe('exe');
    valid('got', await live(['got']));
    valid('check', await live(['patch', '--check', PATCH('counter-v1-v2')]));
    failure(await live(['patch', PATCH('fail-not-elf')]), 'patch', 3, 'bad-file', /not an ELF file/);
    failure(await live(['patch', PATCH('fail-unresolved')]), 'patch', 4, 'refused', /helper_that_does_not_exist/);
    failure(await live(['patch', '--timeout', '300', PATCH('fail-main-loop')]), 'patch', 5, 'not-safe', /main/);
    failure(await live(['patch', PATCH('fail-transfer-nonzero')]), 'patch', 6, 'transfer-failed', /dsu_transfer returned 7/);
    failure(await live(['rollback']), 'rollback', 1, 'failed', /no patch to roll back/);
    expect(valid('patch', await live(['patch', '--timeout', '60000', PATCH('counter-v1-v2')]))).toMatchObject({ id: expect.any(Number), transfer: 'ok' });
    expect(valid('status', await live(['status']))).toMatchObject({ version: 'counter-v2' });
    valid('rollback', await live(['rollback']));
    expect((valid('status', await live(['status'])) as { rolledBack: unknown[] }).rolledBack).toHaveLength(1);
    for (const c of ['ping', 'status', 'modules', 'got', 'rollback']) {
      failure(await dsu([c, '--control', path.join(scratch, 'none.sock'), '--json']), c, 1, 'failed', /^no control socket at /);
    }
    failure(await dsu(['patch', '--json', 'x.so']), 'patch', 2, 'usage', /--control SOCK is required/);
  }, 300_000);

  test('the commands without a running program', async () => {
    const program = path.join(BUILD, 'counter', 'counter-v1');
    valid('got', await dsu(['got', program, '--json']));
    failure(await dsu(['got', path.join(scratch, 'none'), '--json']), 'got', 1, 'failed', /No such file or directory/);
    const doctor = valid('doctor', await dsu(['doctor', '--json'])) as { ok: boolean; checks: { name: string }[] };
    expect(doctor.ok).toBe(true);
    expect(doctor.checks.map((c) => c.name)).toEqual(expect.arrayContaining(['libunicorn2', 'gcc-multilib', 'openat2']));
    expect(valid('include-dir', await dsu(['include-dir', '--json']))).toEqual({ includeDir: path.join(REPO, 'patcher', 'include') });
    failure(await dsu(['run', '--json', path.join(scratch, 'none')]), 'run', 127, 'not-found', /No such file or directory/);
    failure(await dsu(['run', '--json', '--root', path.join(scratch, 'none'), program]), 'run', 2, 'usage', /not a directory/);
    failure(await dsu(['mkpatch', '--json', '--old', scratch]), 'mkpatch', 2, 'usage', /needs --old, --new and -o/);
    failure(await dsu(['mkpatch', '--json', '--old', path.join(scratch, 'nowhere'), '--new', scratch, '-o', path.join(scratch, 'p.so')]), 'mkpatch', 1, 'failed', /no such directory/);
    const made = await dsu(['mkpatch', ...ruleArgs('inline-static'), '--json', '-o', path.join(scratch, 'made.so')], { timeoutMs: 600_000 });
    expect(made.status, made.stderr).toBe(0);
    expect(valid('mkpatch', made)).toMatchObject({ ok: true, patch: path.join(scratch, 'made.so') });
    expect(fs.existsSync(path.join(MKPATCH_SAMPLES, 'inline-static'))).toBe(true);
  }, 900_000);
});

describe('made from the same table', () => {
  test('bash completion: valid bash that completes commands, options and their values', async () => {
    const script = (await dsu(['completion', 'bash'])).stdout;
    const file = path.join(os.tmpdir(), `dsu-completion-${process.pid}.bash`);
    fs.writeFileSync(file, script);
    try {
      expect(spawnSync('bash', ['-n', file]).status).toBe(0);
      const complete = (words: string[]): string[] => execFileSync('bash', ['-c', `source "$1"; COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _dsu; printf '%s\\n' "\${COMPREPLY[@]}"`, 'bash', file], { encoding: 'utf8', cwd: REPO }).split('\n').filter((l) => l !== '');
      expect(complete(['dsu', 'pa'])).toEqual(['patch']);
      expect(complete(['dsu', 'run', '--str'])).toEqual(expect.arrayContaining(['--strace', '--strace-file']));
      expect(complete(['dsu', 'patch', '--ti'])).toEqual(['--timeout']);
      expect(complete(['dsu', 'help', 'mk'])).toEqual(['mkpatch']);
      expect(complete(['dsu', 'run', '--root', 'c-sam'])).toEqual(['c-samples']);
    } finally {
      fs.rmSync(file, { force: true });
    }
  });

  test('the man page: every command and option, and the exit statuses; groff reads it without warnings', async () => {
    const page = (await dsu(['man'])).stdout;
    for (const c of table) {
      expect(page).toContain(`.SS "dsu ${c.name}"`);
      for (const o of c.options) expect(page).toContain(`\\-\\-${o.name.replace(/-/g, '\\-')}`);
    }
    expect(page).toContain('.SH "EXIT STATUS"');
    const groff = spawnSync('groff', ['-man', '-Tutf8', '-ww', '-z'], { input: page, encoding: 'utf8' });
    expect(groff.status).toBe(0);
    expect(groff.stderr).toBe('');
  });
});
