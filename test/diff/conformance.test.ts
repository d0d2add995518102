// Differential conformance over c-samples/conformance/: see
// test/helpers/differential.ts for the rules and the sidecar files.
import { differentialSuite } from '../helpers/differential.js';

differentialSuite('conformance', 20);
