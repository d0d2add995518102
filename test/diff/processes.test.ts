// Process samples (c-samples/processes/): fork, exec, wait, groups and
// sessions, signals between processes, shared memory and descriptors, each
// run natively and under dsu and compared byte for byte.
import { differentialSuite } from '../helpers/differential.js';

differentialSuite('processes', 14);
