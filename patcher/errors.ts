// The patcher's own error: a refusal or failure it explains to the user in
// one line (not safe in time, cannot link, bad patch, no such module...).
// The control server maps it to the protocol's error at the wire; anything
// else that escapes the patcher is reported as an internal error.
export class PatcherError extends Error {
  override readonly name = 'PatcherError';
}
