import { BridgeStats, refusedPushes } from '../../bridge/stats';

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('pushes the bridge refused (401/403), as health and status report them', () => {
  it('none refused: nothing to report', () => {
    const stats = new BridgeStats();
    stats.record('delivered', 'counted');
    expect(refusedPushes(stats.view())).toBeUndefined();
  });

  it('refused after the last push that passed: still refusing, with the newest reason', async () => {
    const stats = new BridgeStats();
    stats.record('delivered', 'counted');
    await tick();
    stats.record('rejected', 'auth_401', { reason: 'no bearer token' });
    await tick();
    stats.record('rejected', 'auth_403', { reason: 'token of sa-other@p.iam, not the push service account' });
    const refused = refusedPushes(stats.view());
    expect(refused).toMatchObject({ refused: 2, stillRefusing: true });
    expect(refused?.text).toMatch(
      /^2 push\(es\) refused \(401\/403\) since .*, the newest at .*: token of sa-other@p\.iam, not the push service account; none has passed since/,
    );
  });

  it('a push that passed after the refusals: reported, no longer refusing', async () => {
    const stats = new BridgeStats();
    stats.record('rejected', 'auth_401', { reason: 'no bearer token' });
    await tick();
    stats.record('ignored', 'untracked_processor');
    expect(refusedPushes(stats.view())).toMatchObject({ refused: 1, stillRefusing: false });
    expect(refusedPushes(stats.view())?.text).not.toContain('none has passed');
  });
});
