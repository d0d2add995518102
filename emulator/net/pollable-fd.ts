// Which guest descriptions the host kernel can poll directly (sockets,
// eventfds, timerfds, epoll instances, terminals and pipes inherited from the
// user) and which are emulator objects that report readiness themselves.
import { FileDescription } from '../files/description.js';
import { HostStream } from '../files/host-stream.js';
import { HostObject } from './host-object.js';

/** Host fd to poll for this description, or null when it reports readiness itself. */
export function hostPollFd(desc: FileDescription): number | null {
  if (desc instanceof HostObject) return desc.readyFd;
  if (desc instanceof HostStream) return desc.pollFd();
  return null;
}
