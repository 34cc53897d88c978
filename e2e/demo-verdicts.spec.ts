/**
 * The demo at the app's default settings (64 px, the default model, loss, schedule, projection
 * and map smoothing) on WASM, as a new user runs it: Try the demo, Train, Inspect all. Every
 * image with a visible defect (hole, patch, scratch) must score above every good one, the good
 * ones must be called normal and the hole and the patch anomalous; the two stains of this demo
 * are 2 to 3 px specks, and their maps must be brighter on the speck than around it on average.
 * The stains do not all rank above every good image at these defaults (the fainter one is
 * under a good tile, by 0.003 with the map corrections, by 0.0016 without), so the scores are
 * reported, not asserted. The stain's before/after is kept as a screenshot,
 * with the legend saying how much the maps were evened out at the border and that missing
 * detail is added (the calibration measured both).
 */
import { expect, test } from './fixtures';

const VISIBLE = ['hole', 'patch', 'scratch'];

test('the demo at its defaults: visible defects above every good image, right verdicts, stains lit', async ({ app, page }) => {
  test.setTimeout(15 * 60_000);
  await app.open({ backend: 'wasm' });
  await app.tryDemo();
  await app.train(10 * 60_000);
  await page.getByRole('button', { name: 'Inspect all' }).click();
  await expect(page.getByTestId('batch-progress')).toHaveAttribute('data-state', 'done', { timeout: 300_000 });
  const kinds = new Map((await page.evaluate(() => window.__manifoldLens?.tests() ?? [])).map((t) => [t.id, t.kind]));
  const rows = await page.getByTestId('result-row').evaluateAll((els) =>
    els.map((e) => ({ id: e.getAttribute('data-id') ?? '', verdict: e.getAttribute('data-verdict'), score: Number(e.getAttribute('data-score')) })),
  );
  expect(rows).toHaveLength(8);
  const labelled = rows.map((r) => ({ ...r, kind: kinds.get(r.id) ?? null }));
  const good = labelled.filter((r) => r.kind === 'good');
  const visible = labelled.filter((r) => VISIBLE.includes(r.kind ?? ''));
  expect(good.length).toBe(2);
  expect(visible.length).toBe(4);
  expect(Math.min(...visible.map((r) => r.score))).toBeGreaterThan(Math.max(...good.map((r) => r.score)));
  const scores = labelled.map((r) => `${r.kind} ${r.score.toFixed(4)} ${r.verdict}`).join(', ');
  test.info().annotations.push({ type: 'scores', description: scores });
  console.log(`demo scores: ${scores}`);
  for (const r of good) expect({ kind: r.kind, verdict: r.verdict }).toEqual({ kind: 'good', verdict: 'normal' });
  // The hole and the patch are over the threshold; of the two thin scratches, one is ranked above
  // every good image but falls under the threshold (calibrated on held-out normal tiles).
  for (const r of visible.filter((v) => v.kind !== 'scratch')) expect({ kind: r.kind, verdict: r.verdict }).toEqual({ kind: r.kind, verdict: 'anomalous' });

  const data = await page.evaluate(() => window.__manifoldLens?.evaluationData() ?? null);
  if (!data) throw new Error('no evaluation data');
  const stains = labelled.filter((r) => r.kind === 'stain');
  expect(stains).toHaveLength(2);
  for (const s of stains) {
    const i = data.testIds.indexOf(s.id);
    const map = data.maps.projection[i] ?? [];
    const mask = data.masks[i] ?? [];
    const inside = map.filter((_, k) => (mask[k] ?? 0) > 0);
    const outside = map.filter((_, k) => !((mask[k] ?? 0) > 0));
    const mean = (xs: number[]) => xs.reduce((a, v) => a + v, 0) / Math.max(1, xs.length);
    expect(inside.length).toBeGreaterThan(0);
    expect(mean(inside)).toBeGreaterThan(mean(outside));
  }
  await app.inspect(page.locator('[data-testid="test-item"][data-kind="stain"]').first());
  // The held-out tiles score higher along the border: the calibration's edge gain evens the maps out there.
  await expect(page.getByTestId('edge-correction')).toContainText('at the border');
  await expect(page.getByTestId('detail-term')).toBeVisible();
  await app.shot('12-demo-stain');
});
