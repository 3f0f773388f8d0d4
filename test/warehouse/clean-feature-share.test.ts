import { cleanFeatureResult } from '../../activities/warehouse/gates';

describe('clean feature rows against the day players (PLATFORM.md: >= 60%)', () => {
  it('compares the unrounded share: 241 of 402 (59.95%) is short, though it shows as 60', () => {
    const short = cleanFeatureResult({ featurePlayers: 402, cleanPlayers: 241, contextPlayers: 402 }, 60, '2026-01-15');
    expect(short).toMatchObject({ passed: false, observed: 60, required: 60 });
    const enough = cleanFeatureResult(
      { featurePlayers: 402, cleanPlayers: 242, contextPlayers: 402 },
      60,
      '2026-01-15',
    );
    expect(enough).toMatchObject({ passed: true, observed: 60.2 });
  });

  it('counts the larger of the context players and the feature players; none at all fails', () => {
    expect(
      cleanFeatureResult({ featurePlayers: 100, cleanPlayers: 90, contextPlayers: 200 }, 60, '2026-01-15'),
    ).toMatchObject({ passed: false, observed: 45 });
    expect(
      cleanFeatureResult({ featurePlayers: 0, cleanPlayers: 0, contextPlayers: 0 }, 0, '2026-01-15'),
    ).toMatchObject({ passed: false });
  });
});
