/**
 * The demo at the app's default settings (64 px, the default model, loss and schedule) on WASM,
 * as a new user runs it: Try the demo, Train, Inspect all. Every defective tile must score above
 * every good one and each verdict must be right; the stain, the defect the map once missed,
 * is inspected and its before/after is kept as a screenshot.
 */
import { expect, test } from './fixtures';

test('the demo at its defaults gives every image the right verdict', async ({ app, page }) => {
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
  const defective = labelled.filter((r) => r.kind !== 'good');
  expect(good.length).toBeGreaterThan(0);
  expect(defective.length).toBeGreaterThan(0);
  expect(Math.min(...defective.map((r) => r.score))).toBeGreaterThan(Math.max(...good.map((r) => r.score)));
  for (const r of labelled) expect({ kind: r.kind, verdict: r.verdict }).toEqual({ kind: r.kind, verdict: r.kind === 'good' ? 'normal' : 'anomalous' });
  await app.inspect(page.locator('[data-testid="test-item"][data-kind="stain"]').first());
  await app.shot('12-demo-stain');
});
