/**
 * The demo as a new user runs it on WASM: Try the demo (with no settings chosen it sets the
 * settings suited to its tiles: a spatial bottleneck with denoising, store/defaults.ts), Train,
 * Inspect all. Every defective image must score above every good one, and every verdict must be
 * right: the hole, the patch, both scratches and both stains (one of them a pale speck of 3 px on
 * a tile 2 to 4 px from the left edge) anomalous, the good tiles normal. Both stains' maps must be
 * brighter on the stain than around it on average. Both stains' before/after are kept as
 * screenshots, with the legend saying how much the maps were evened out at the border and that
 * missing detail is added.
 */
import { expect, test } from './fixtures';

test('the demo with its settings: every defect above every good image, every verdict right, stains lit', async ({ app, page }) => {
  test.setTimeout(15 * 60_000);
  await app.open({ backend: 'wasm' });
  await app.tryDemo();
  await expect(page.getByTestId('notice')).toHaveAttribute('data-kind', 'demo-settings');
  const started = Date.now();
  await app.train(10 * 60_000);
  console.log(`demo training and calibration: ${((Date.now() - started) / 1000).toFixed(0)} s`);
  await expect(page.getByTestId('model-info')).toContainText('spatial latent, 4 per cell');
  await page.getByRole('button', { name: 'Inspect all' }).click();
  await expect(page.getByTestId('batch-progress')).toHaveAttribute('data-state', 'done', { timeout: 300_000 });
  const kinds = new Map((await page.evaluate(() => window.__manifoldLens?.tests() ?? [])).map((t) => [t.id, t.kind]));
  const rows = await page.getByTestId('result-row').evaluateAll((els) =>
    els.map((e) => ({ id: e.getAttribute('data-id') ?? '', verdict: e.getAttribute('data-verdict'), score: Number(e.getAttribute('data-score')) })),
  );
  expect(rows).toHaveLength(8);
  const labelled = rows.map((r) => ({ ...r, kind: kinds.get(r.id) ?? null }));
  const good = labelled.filter((r) => r.kind === 'good');
  const defective = labelled.filter((r) => r.kind !== 'good');
  expect(good).toHaveLength(2);
  expect(defective.map((r) => r.kind).sort()).toEqual(['hole', 'patch', 'scratch', 'scratch', 'stain', 'stain']);
  expect(Math.min(...defective.map((r) => r.score))).toBeGreaterThan(Math.max(...good.map((r) => r.score)));
  const scores = labelled.map((r) => `${r.kind} ${r.score.toFixed(4)} ${r.verdict}`).join(', ');
  test.info().annotations.push({ type: 'scores', description: scores });
  console.log(`demo scores: ${scores}`);
  const want = (kind: string | null) => (kind === 'good' ? 'normal' : 'anomalous');
  expect(labelled.map((r) => ({ kind: r.kind, verdict: r.verdict }))).toEqual(labelled.map((r) => ({ kind: r.kind, verdict: want(r.kind) })));

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
  await expect(page.getByTestId('score-scale')).toContainText('scored at 1 px smoothing');
  // The threshold can be raised above the calibrated one even when that sits at the colour scale's top.
  const threshold = page.getByLabel('Threshold', { exact: true });
  expect(Number(await threshold.getAttribute('max'))).toBeGreaterThan(Number(await threshold.inputValue()) * 1.5);
  await app.shot('12-demo-stain');
  // The faint stain: a speck of 3 px near the left edge, marked by the contour.
  await app.inspect(page.locator('[data-testid="test-item"][data-kind="stain"]').nth(1));
  await expect(page.getByTestId('verdict')).toHaveText('anomalous');
  await app.shot('12-demo-faint-stain');
});
