// The sample servers under `dsu run`, driven by real clients nobody here
// wrote (redis-cli, redis-benchmark, curl, ab, wrk): the very same checks
// that test/servers-native.test.ts runs on the native binaries.
import { describe } from 'vitest';
import { dsu } from '../helpers/servers.js';
import { kvstoreShutdownSuite, kvstoreSuite, kvstoreVersionSuite } from '../suites/kvstore.js';
import { httpdShutdownSuite, httpdSuite } from '../suites/httpd.js';

describe('servers under dsu run', () => {
  kvstoreSuite(dsu, 'kvstore-v1', 1);
  kvstoreSuite(dsu, 'kvstore-v1.static', 1);
  kvstoreSuite(dsu, 'kvstore-v3', 3);
  kvstoreVersionSuite(dsu);
  kvstoreShutdownSuite(dsu);
  httpdSuite(dsu, 'httpd-v1', 1);
  httpdShutdownSuite(dsu);
});
