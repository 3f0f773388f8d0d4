/**
 * The local platform of a route test file: started once before its tests (any free port, no simulated day), pushing
 * its completions to a push receiver, both closed after them. Read `platform` and `receiver` inside the tests.
 */
import { startLocalPlatform, type LocalPlatform, type StartLocalPlatformOptions } from '../../local-platform';
import { startPushReceiver, type PushReceiver } from '../../local-platform/testing/push-receiver';

export interface LocalPlatformFixture {
  readonly platform: LocalPlatform;
  readonly receiver: PushReceiver;
}

export function useLocalPlatform(
  options: Omit<StartLocalPlatformOptions, 'publishUrl' | 'port' | 'noDaySimulation'>,
): LocalPlatformFixture {
  let started: LocalPlatformFixture | undefined;
  beforeAll(async () => {
    const receiver = await startPushReceiver();
    const platform = await startLocalPlatform({ ...options, publishUrl: receiver.url, port: 0, noDaySimulation: true });
    started = { platform, receiver };
  });
  afterAll(async () => {
    await started?.platform.close();
    await started?.receiver.close();
  });
  const get = (): LocalPlatformFixture => {
    if (!started) throw new Error('the local platform is started in beforeAll: read it inside a test');
    return started;
  };
  return {
    get platform() {
      return get().platform;
    },
    get receiver() {
      return get().receiver;
    },
  };
}
