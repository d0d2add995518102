// Socket semantics on small C programs (c-samples/net/): non-blocking
// connect, EAGAIN, partial writes, epoll edge/level/oneshot behaviour, a
// client and server in one process over socketpair, TCP, UDP and Unix
// sockets, eventfd and timerfd — each identical to the native run.
import { differentialSuite } from '../helpers/differential.js';

differentialSuite('net', 5);
