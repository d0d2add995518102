// Multi-threaded conformance over c-samples/threads/: pthread programs
// (mutexes, condition variables, barriers, rwlocks, semaphores, TLS,
// thread exit, robust mutexes, many threads) must behave under dsu exactly
// as natively. See test/helpers/differential.ts for the rules.
import { differentialSuite } from '../helpers/differential.js';

differentialSuite('threads', 10);
