// The sample servers (c-samples/kvstore, c-samples/httpd) driven by real
// clients: redis-cli, redis-benchmark, curl, ab, wrk and raw sockets.
// Natively by default, which checks the samples themselves; set
// SERVER_LAUNCHERS=dsu (or native,dsu) to run the very same checks on the
// very same binaries under `dsu run`.
import { describe } from 'vitest';
import { launchersFromEnv, native } from '../helpers/servers.js';
import { kvstoreShutdownSuite, kvstoreSuite, kvstoreVersionSuite } from '../suites/kvstore.js';
import { httpdShutdownSuite, httpdSuite } from '../suites/httpd.js';

describe.each(launchersFromEnv([native]))('servers, %s', (_name, launcher) => {
  kvstoreSuite(launcher, 'kvstore-v1', 1);
  kvstoreSuite(launcher, 'kvstore-v1.static', 1);
  kvstoreSuite(launcher, 'kvstore-v2', 2);
  kvstoreSuite(launcher, 'kvstore-v3', 3);
  kvstoreVersionSuite(launcher);
  kvstoreShutdownSuite(launcher);
  httpdSuite(launcher, 'httpd-v1', 1);
  httpdSuite(launcher, 'httpd-v2', 2);
  httpdShutdownSuite(launcher);
});
