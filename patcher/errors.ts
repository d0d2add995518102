// The patcher's own error: a refusal or failure it explains to the user in
// one line (not safe in time, cannot link, bad patch, no such module...).
// The control server maps it to the protocol's error at the wire; anything
// else that escapes the patcher is reported as an internal error.
export class PatcherError extends Error {
  override readonly name = 'PatcherError';
  constructor(message: string, readonly status: number = ExitStatus.failed) {
    super(message);
  }
}

/**
 * Exit statuses of `dsu patch` that tell failures apart (README): 3 the
 * patch file is unreadable or not a patch; 4 refused by a check before
 * anything changed; 5 no safe point before the timeout; 6 the state
 * transfer failed (everything undone). Other failures 1, usage 2.
 */
export const ExitStatus = { failed: 1, badFile: 3, refused: 4, notSafe: 5, transferFailed: 6 } as const;
