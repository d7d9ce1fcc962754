// The pages around the services, as a visitor on a phone reads them: the developer page and the
// API documentation served as pages (reached by a click, contents that jump to their heading),
// the service guide, and the services not built yet, in Thai and English at 390 px: no page
// wider than the screen, code and tables scroll inside it, axe clean.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { artifacts, launchChromium, seriousViolations, startGovhub } from './harness.mjs';

let govhub;
let browser;

before(async () => {
  govhub = await startGovhub();
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await govhub?.stop();
});

const pageWidth = (page) => page.evaluate(() => document.documentElement.scrollWidth);

for (const locale of ['th', 'en']) {
  test(`developer documentation, guide and coming services at 390 px (${locale})`, async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 800 }, locale: locale === 'th' ? 'th-TH' : 'en-GB' });
    const page = await context.newPage();
    for (const p of ['/developer', '/developer/docs', '/developer/docs/api', '/developer/docs/catalog-workbook',
      '/guide', '/learning', '/workd']) {
      await page.goto(`${govhub.url}${p}?lang=${locale}`);
      assert.ok(await pageWidth(page) <= 390, `${p} is ${await pageWidth(page)} px wide at 390 px`);
      assert.deepEqual(await seriousViolations(page), [], `${p} (${locale})`);
    }
    await page.screenshot({ path: path.join(artifacts, `workd-coming-390-${locale}.png`) });

    // From the developer page to the guide by a click, then a contents entry to its heading.
    await page.goto(`${govhub.url}/developer?lang=${locale}`);
    await page.getByRole('link', { name: locale === 'th' ? 'คู่มือ API ฉบับเต็ม' : 'The full API guide' }).click();
    await page.waitForURL('**/developer/docs/api');
    await page.getByRole('navigation', { name: locale === 'th' ? 'สารบัญ' : 'Contents' })
      .getByRole('link', { name: 'The automatic API (datastore)' }).click();
    await page.waitForFunction(() => location.hash === '#the-automatic-api-datastore');
    const top = await page.evaluate(() => document.getElementById('the-automatic-api-datastore').getBoundingClientRect().top);
    // (A fraction of a pixel above the edge is the same place, after scrolling rounds.)
    assert.ok(top > -2 && top < 200, `the heading is at the top of the screen (${top})`);

    // A service not built yet points to the guide's section for it.
    await page.goto(`${govhub.url}/learning?lang=${locale}`);
    await page.getByRole('link', { name: locale === 'th' ? 'อ่านคู่มือการขอรับบริการ' : 'Read the service guide' }).click();
    await page.waitForURL('**/guide#learning');
    assert.ok(await page.locator('#learning').isVisible());
    await context.close();
  });
}
