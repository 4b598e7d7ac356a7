/**
 * /report export on Teams through Activity JSON: with PUBLIC_URL a DM with signed links that
 * Shiftlead serves (and refuses when tampered with); without it, a file consent card per file,
 * and on accept the file is PUT to the upload URL Teams gave and shown as a file card.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../../src/store/local-redis.js';
import { cardsIn } from '../support/adaptive-cards.js';
import { Recorder } from '../support/recorder.js';
import { startTeamsHarness, type TeamsHarness } from '../support/teams-app.js';
import { ANA, installedForUser, invoke, personalMessage } from '../support/teams-activities.js';

describe('exports on Teams', () => {
  const open: Array<{ close: () => Promise<void> }> = [];
  afterEach(async () => {
    for (const o of open.splice(0).reverse()) await o.close();
  });

  async function asked(h: TeamsHarness): Promise<void> {
    await h.send(installedForUser(h.serviceUrl, ANA));
    const reply = await h.send(personalMessage(h.serviceUrl, ANA, 'report export 2026-11-16 2026-11-22'));
    expect(reply.status).toBe(200);
  }

  it('with PUBLIC_URL: signed links in a DM, served by Shiftlead; a tampered link is refused', async () => {
    const port = await freePort();
    const h = await startTeamsHarness({ env: { PUBLIC_URL: `http://127.0.0.1:${port}` }, app: { port } });
    open.push(h);
    await asked(h);
    await h.connector.waitFor((calls) => calls.some((c) => JSON.stringify(c.body).includes('/exports/')), 20_000, 'the links');
    const text = JSON.stringify(h.connector.calls.find((c) => JSON.stringify(c.body).includes('/exports/'))?.body);
    const links = [...text.matchAll(/\((http:\/\/127\.0\.0\.1:\d+\/exports\/[^)\s\\]+)\)/g)].map((m) => m[1] as string);
    expect(links).toHaveLength(2);
    const res = await fetch(links[0] as string);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="shiftlead-escalations-2026-11-16-2026-11-22.csv"');
    expect((await res.text()).split('\n')[0]).toMatch(/^id,platform,created_at,/);
    expect((await fetch((links[0] as string).replace(/sig=.{4}/, 'sig=AAAA'))).status).toBe(403);
    expect((await fetch((links[0] as string).replace(/exp=\d+/, 'exp=1'))).status).toBe(403);
  });

  it('without PUBLIC_URL: a file consent card per file; accepting uploads the file and shows it', async () => {
    const upload = new Recorder();
    const uploadUrl = await upload.start();
    open.push({ close: () => upload.stop() });
    const h = await startTeamsHarness();
    open.push(h);
    await asked(h);
    const consent = 'application/vnd.microsoft.teams.card.file.consent';
    await h.connector.waitFor((calls) => calls.filter((c) => JSON.stringify(c.body).includes(consent)).length === 2, 20_000, 'two consent cards');
    const card = (h.connector.calls.find((c) => JSON.stringify(c.body).includes(consent))?.body['attachments'] as Array<{ contentType: string; name: string; content: { acceptContext: unknown; sizeInBytes: number } }>)[0];
    expect(card?.name).toBe('shiftlead-escalations-2026-11-16-2026-11-22.csv');
    const accept = invoke(h.serviceUrl, ANA, 'fileConsent/invoke', {
      type: 'fileUpload',
      action: 'accept',
      context: card?.content.acceptContext,
      uploadInfo: { contentUrl: 'https://contoso.sharepoint.com/personal/ana/Documents/Applications/x.csv', name: card?.name, uploadUrl: `${uploadUrl}/upload`, uniqueId: '1150D938-8870-4044-9F2C-5BBDEBA70C8C', fileType: 'csv' },
    }, { conversationType: 'personal', id: `a:1personal-${ANA.aadObjectId}` }, {});
    const answered = await h.send(accept);
    expect(answered.status).toBe(200);
    const put = upload.requests.find((r) => r.method === 'PUT');
    expect(put?.headers['content-range']).toBe(`bytes 0-${(card?.content.sizeInBytes ?? 0) - 1}/${card?.content.sizeInBytes}`);
    expect(put?.body.split('\n')[0]).toMatch(/^id,platform,created_at,/);
    await h.connector.waitFor((calls) => calls.some((c) => JSON.stringify(c.body).includes('application/vnd.microsoft.teams.card.file.info')), 10_000, 'the file card');
    expect(cardsIn(h.connector.calls.at(-1)?.body)).toEqual([]);
  });
});
