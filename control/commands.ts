// The control protocol's commands as one typed table: for each command, the
// arguments a client may send, how the server reads them off the wire
// (checked, defaults filled in) and what it answers. The client (`dsu patch`,
// `dsu status`...) and the server (`dsu run --control`) both use it, so a
// command cannot mean one thing on one side and another on the other.
import type { CheckOnlyReport, PatchReport } from '../patcher/report.js';
import type { RollbackReport } from '../patcher/rollback.js';
import type { StatusReport } from '../patcher/status.js';
import type { ModulesAnswer } from '../patcher/inspect/commands.js';
import type { SlotRow } from '../loader/program/rows.js';
import { ControlError } from './protocol.js';

type Wire = Record<string, unknown>;

/** One command: `Sent` is what a client passes, `Args` what a handler gets, `Result` what it answers. */
export interface CommandSpec<Sent, Args, Result> {
  read(raw: Wire): Args;
  /** Phantom fields that carry the types; never set. */
  readonly sent?: Sent;
  readonly result?: Result;
}

function spec<Sent, Args, Result>(read: (raw: Wire) => Args): CommandSpec<Sent, Args, Result> {
  return { read };
}

const DEFAULT_TIMEOUT_MS = 5000;

function positive(raw: Wire, name: string, fallback: number): number {
  const v = raw[name];
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw new ControlError(`${name} must be a positive number`);
  return v;
}

function flag(raw: Wire, name: string): boolean {
  const v = raw[name];
  if (v !== undefined && typeof v !== 'boolean') throw new ControlError(`${name} must be true or false`);
  return v === true;
}

type NoArgs = Record<string, never>;
const none = (): NoArgs => ({});

export interface PingResult {
  pid: number;
  program: string;
  exited: boolean;
}

export interface PatchSent {
  /** Absolute: the dsu process has its own working directory. */
  path: string;
  timeoutMs?: number;
  transferTimeoutMs?: number;
  relaxed?: boolean;
  updatePoints?: boolean;
  /** Let checks 1-3 of the type checks through (reported all the same). */
  unsafeTypes?: boolean;
}
export type PatchArgs = Required<PatchSent>;

function readPatchArgs(raw: Wire): PatchArgs {
  const file = raw.path;
  if (typeof file !== 'string' || !file.startsWith('/')) throw new ControlError('patch needs an absolute path');
  return {
    path: file,
    timeoutMs: positive(raw, 'timeoutMs', DEFAULT_TIMEOUT_MS),
    transferTimeoutMs: positive(raw, 'transferTimeoutMs', DEFAULT_TIMEOUT_MS),
    relaxed: flag(raw, 'relaxed'),
    updatePoints: flag(raw, 'updatePoints'),
    unsafeTypes: flag(raw, 'unsafeTypes'),
  };
}

export interface RollbackSent {
  timeoutMs?: number;
  transferTimeoutMs?: number;
  force?: boolean;
}
export type RollbackArgs = Required<RollbackSent>;

export interface GotSent {
  /** Keep one module's slots (its name or path). */
  module?: string;
}

export const COMMANDS = {
  ping: spec<NoArgs, NoArgs, PingResult>(none),
  patch: spec<PatchSent, PatchArgs, PatchReport>(readPatchArgs),
  /** Everything up to the pause, nothing changed (dsu patch --check): the same refusals and statuses. */
  check: spec<PatchSent, PatchArgs, CheckOnlyReport>(readPatchArgs),
  rollback: spec<RollbackSent, RollbackArgs, RollbackReport>((raw) => ({
    timeoutMs: positive(raw, 'timeoutMs', DEFAULT_TIMEOUT_MS),
    transferTimeoutMs: positive(raw, 'transferTimeoutMs', DEFAULT_TIMEOUT_MS),
    force: flag(raw, 'force'),
  })),
  status: spec<NoArgs, NoArgs, StatusReport>(none),
  modules: spec<NoArgs, NoArgs, ModulesAnswer>(none),
  got: spec<GotSent, GotSent, SlotRow[]>((raw) => {
    const only = raw.module;
    if (only !== undefined && typeof only !== 'string') throw new ControlError('got: module must be a string');
    return only === undefined ? {} : { module: only };
  }),
};

export type CommandName = keyof typeof COMMANDS;
type SpecOf<C extends CommandName> = (typeof COMMANDS)[C];
export type SentOf<C extends CommandName> = SpecOf<C> extends CommandSpec<infer S, unknown, unknown> ? S : never;
type ArgsOf<C extends CommandName> = SpecOf<C> extends CommandSpec<unknown, infer A, unknown> ? A : never;
export type ResultOf<C extends CommandName> = SpecOf<C> extends CommandSpec<unknown, unknown, infer R> ? R : never;

/** What serves some of the commands: one function per command name. */
export type CommandHandlers<C extends CommandName = CommandName> = {
  [K in C]: (args: ArgsOf<K>) => ResultOf<K> | Promise<ResultOf<K>>;
};

export function isCommand(name: string): name is CommandName {
  return Object.prototype.hasOwnProperty.call(COMMANDS, name);
}
