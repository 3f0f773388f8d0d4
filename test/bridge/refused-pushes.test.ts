import { BridgeStats, REFUSALS_TO_FAIL, refusedPushes } from '../../bridge/stats';

const refuse = (stats: BridgeStats, times: number) => {
  for (let i = 0; i < times; i++)
    stats.record('rejected', 'auth_403', { reason: `token of sa-other@p.iam (${i + 1})` });
};

describe('pushes the bridge refused (401/403), as health and status report them', () => {
  it('none refused: nothing to report', () => {
    const stats = new BridgeStats();
    stats.record('delivered', 'counted');
    expect(refusedPushes(stats.view())).toBeUndefined();
  });

  it(`${REFUSALS_TO_FAIL} refusals in a row after the last push that passed: still refusing, with the newest reason`, () => {
    const stats = new BridgeStats();
    stats.record('delivered', 'counted');
    refuse(stats, REFUSALS_TO_FAIL);
    const refused = refusedPushes(stats.view());
    expect(refused).toMatchObject({ refused: REFUSALS_TO_FAIL, stillRefusing: true });
    expect(refused?.text).toMatch(
      new RegExp(
        `^${REFUSALS_TO_FAIL} push\\(es\\) refused \\(401/403\\) since .*, the newest at .*: token of sa-other@p\\.iam \\(${REFUSALS_TO_FAIL}\\); the last ${REFUSALS_TO_FAIL} in a row, none passed since`,
      ),
    );
  });

  it('one stray refusal (an unauthenticated POST to the public endpoint) is reported, not a refusing bridge', () => {
    const stats = new BridgeStats();
    stats.record('delivered', 'counted');
    refuse(stats, 1);
    expect(refusedPushes(stats.view())).toMatchObject({ refused: 1, stillRefusing: false });
  });

  it('a push that passed after the refusals: reported, no longer refusing', () => {
    const stats = new BridgeStats();
    refuse(stats, REFUSALS_TO_FAIL + 2);
    stats.record('ignored', 'untracked_processor');
    const refused = refusedPushes(stats.view());
    expect(refused).toMatchObject({ refused: REFUSALS_TO_FAIL + 2, stillRefusing: false });
    expect(refused?.text).not.toContain('none passed');
  });

  it("a bridge's view without the count (an older bridge): reported, never called refusing", () => {
    const stats = new BridgeStats();
    refuse(stats, REFUSALS_TO_FAIL);
    const { refusedSincePassed: _dropped, ...older } = stats.view();
    expect(refusedPushes(older)).toMatchObject({ stillRefusing: false });
  });
});
