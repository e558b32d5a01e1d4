/**
 * Issue 14, practice rooms in real Chromium: a solo run (countdown, reveal, self-score, stored
 * history), with every byte the practiser's page received before the reveal (HTTP bodies and WS
 * frames) checked for guide lines, and the reveal on the replay timeline; two peers swap roles and
 * the guide follows the asker; a plan of three questions, the second run out to its end-of-time
 * alert and the server-taken time-up reveal.
 */
import { describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import type { QuestionsResponse } from '../../shared/api.js';
import { readCurrentQuestion, readReveals, writeCurrentQuestion } from '../../shared/doc.js';
import { browserAndServer, chromiumAvailable, joinRoom, withScreenshots, watchPage } from '../support/browser.js';

interface Received {
  http: string[];
  ws: Buffer[];
}

describe.skipIf(!chromiumAvailable())('practice room in real browsers', () => {
  const suite = browserAndServer();
  const contexts: BrowserContext[] = [];
  const errors: string[][] = [];

  const newUser = async (ctx?: BrowserContext): Promise<{ page: Page; received: Received }> => {
    const context = ctx ?? (await suite.browser.newContext({ viewport: { width: 1400, height: 800 } }));
    if (!ctx) contexts.push(context);
    const page = await context.newPage();
    errors.push(watchPage(page).errors);
    const received: Received = { http: [], ws: [] };
    page.on('response', (res) => {
      void res
        .body()
        .then((b) => received.http.push(b.toString('utf8')))
        .catch(() => undefined);
    });
    page.on('websocket', (ws) => ws.on('framereceived', (f) => received.ws.push(Buffer.isBuffer(f.payload) ? f.payload : Buffer.from(f.payload))));
    return { page, received };
  };
  const connected = (page: Page) => expect.poll(() => page.getByTestId('connection-state').textContent(), { timeout: 15_000 }).toBe('connected');
  const base = () => `http://127.0.0.1:${new URL(suite.server.url).port}`;

  /** Creates a practice room on the landing page; returns its two links. */
  const createPractice = async (page: Page) => {
    await page.goto(`${base()}/`);
    await page.getByTestId('create-practice').click();
    const own = (await page.getByTestId('link-candidate').inputValue()).trim();
    const peer = (await page.getByTestId('link-interviewer').inputValue()).trim();
    return { own, peer };
  };

  /** The distinctive lines of a question's guide, read with the asker's link (which may read the bank). */
  const guideLines = async (peerLink: string, questionId: string) => {
    const url = new URL(peerLink);
    const token = url.hash.replace('#token=', '');
    const res = await fetch(`${base()}/api${url.pathname.replace('/r/', '/rooms/')}/questions`, { headers: { authorization: `Bearer ${token}` } });
    const bank = (await res.json()) as QuestionsResponse;
    const q = bank.questions.find((x) => x.id === questionId)!;
    const lines = q.guide
      .split('\n')
      .map((l) => l.replace(/^[-*#>\d.\s]+/, '').trim())
      .filter((l) => l.length >= 40);
    expect(lines.length).toBeGreaterThan(2);
    return { lines, followUps: q.followUps };
  };

  it('solo: countdown, no guide byte before the reveal, reveal, self-score, stored history', async (ctx) => {
    try {
      await withScreenshots(ctx.task.name, contexts, async () => {
        const { page, received } = await newUser();
        const { own, peer } = await createPractice(page);
        await joinRoom(page, own, 'Pat');
        await connected(page);
        await page.getByTestId('practice').waitFor();
        await expect.poll(() => page.getByTestId('practice-pick').locator('option').count(), { timeout: 10_000 }).toBeGreaterThan(2);
        const questionId = await page.getByTestId('practice-pick').locator('option').nth(1).getAttribute('value');
        await page.getByTestId('practice-pick').selectOption(questionId!);
        await page.getByTestId('practice-start').click();
        await expect.poll(() => page.getByTestId('practice-countdown').textContent(), { timeout: 10_000 }).toMatch(/^\d\d:\d\d left$/);
        await page.getByTestId('practice-reveal').waitFor();
        expect(await page.getByTestId('guide').count()).toBe(0);
        // Let the doc settle, then check every byte so far.
        await new Promise((r) => setTimeout(r, 1000));
        const { lines, followUps } = await guideLines(peer, questionId!);
        const httpText = received.http.join('\n');
        const wsText = Buffer.concat(received.ws).toString('utf8');
        expect(received.ws.length).toBeGreaterThan(0);
        for (const line of [...lines, ...followUps.filter((f) => f.length >= 30)]) {
          expect(httpText.includes(line), `HTTP carried a guide line: ${line}`).toBe(false);
          expect(wsText.includes(line), `WS carried a guide line: ${line}`).toBe(false);
        }

        await page.getByTestId('practice-reveal').click();
        await page.getByTestId('guide').waitFor({ timeout: 10_000 });
        // A line with no Markdown markup reads the same rendered.
        const plain = lines.find((l) => !/[*`_$\\[\]<>]/.test(l))!;
        expect(await page.getByTestId('guide').innerText()).toContain(plain.slice(0, 30));
        if (followUps.length > 0) await page.getByTestId('practice-followups').waitFor();
        expect(await page.getByTestId('rubric-row').count()).toBe(16);
        expect(await page.getByTestId('practice-score').textContent()).toBe('—');
        await page.getByTestId('rubric-row').nth(0).getByTestId('score-4').click();
        await page.getByTestId('rubric-row').nth(4).getByTestId('score-2').click();
        await expect.poll(() => page.getByTestId('practice-score').textContent(), { timeout: 5000 }).toMatch(/^\d+$/);
        const score = await page.getByTestId('practice-score').textContent();

        const history = await page.context().newPage();
        await history.goto(`${base()}/practice/history`);
        await history.getByTestId('history-table').waitFor({ timeout: 10_000 });
        expect(await history.getByTestId('history-row').count()).toBe(1);
        expect(await history.getByTestId('history-score').textContent()).toBe(score);
        expect(await history.getByTestId('history-replay').getAttribute('href')).toMatch(/^\/replay\/[A-Za-z0-9]+$/);

        // The server-recorded reveal is on the replay timeline, with the question, who and why.
        const replayPath = (await history.getByTestId('history-replay').getAttribute('href'))!;
        const title = (await page.getByTestId('practice-pick').locator(`option[value="${questionId}"]`).textContent())!.replace(/ \(\d+ min\)$/, '');
        await history.goto(`${base()}${replayPath}#token=${new URL(own).hash.replace('#token=', '')}`);
        const revealMarker = history.locator('[data-testid="replay-marker"][data-kind="reveal"]');
        await revealMarker.waitFor({ timeout: 30_000 });
        expect(await revealMarker.count()).toBe(1);
        expect(await revealMarker.getAttribute('aria-label')).toContain(`Guide revealed: ${title} (Pat, early)`);

        const pageErrors = errors.flat().filter((e) => !/WebSocket|Failed to load resource/.test(e));
        expect(pageErrors).toEqual([]);
      });
    } finally {
      for (const c of contexts.splice(0)) await c.close();
    }
  }, 240_000);

  it('two peers: the asker sees the guide, the practiser does not; Swap roles moves it', async (ctx) => {
    try {
      await withScreenshots(ctx.task.name, contexts, async () => {
        const { page: practiser } = await newUser();
        const { own, peer } = await createPractice(practiser);
        await joinRoom(practiser, own, 'Pat');
        await connected(practiser);
        const { page: asker } = await newUser();
        await joinRoom(asker, peer, 'Ash');
        await connected(asker);
        await expect.poll(() => asker.getByTestId('practice-role').textContent(), { timeout: 10_000 }).toBe('You ask the questions');
        expect(await practiser.getByTestId('practice-role').textContent()).toBe('You are practising');

        await expect.poll(() => asker.getByTestId('practice-pick').locator('option').count(), { timeout: 10_000 }).toBeGreaterThan(2);
        const questionId = await asker.getByTestId('practice-pick').locator('option').nth(2).getAttribute('value');
        await asker.getByTestId('practice-pick').selectOption(questionId!);
        await asker.getByTestId('practice-start').click();
        await asker.getByTestId('guide').waitFor({ timeout: 10_000 });
        await practiser.getByTestId('practice-reveal').waitFor({ timeout: 10_000 });
        expect(await practiser.getByTestId('guide').count()).toBe(0);
        expect(await asker.getByTestId('practice-reveal').count()).toBe(0);

        await practiser.getByTestId('practice-swap').click();
        // Both pages reload under their new roles.
        await expect.poll(() => practiser.getByTestId('practice-role').textContent(), { timeout: 20_000 }).toBe('You ask the questions');
        await expect.poll(() => asker.getByTestId('practice-role').textContent(), { timeout: 20_000 }).toBe('You are practising');
        await practiser.getByTestId('guide').waitFor({ timeout: 10_000 });
        await asker.getByTestId('practice-reveal').waitFor({ timeout: 10_000 });
        expect(await asker.getByTestId('guide').count()).toBe(0);
      });
    } finally {
      for (const c of contexts.splice(0)) await c.close();
    }
  }, 240_000);

  it('a plan of 3 questions: Question 1 of 3, the next one only after the self-score, then Question 2 of 3 until its time is up (alert, guide revealed by the server)', async (ctx) => {
    try {
      await withScreenshots(ctx.task.name, contexts, async () => {
        const { page } = await newUser();
        const { own } = await createPractice(page);
        const roomId = new URL(own).pathname.split('/').pop()!;
        const onScreen = () => suite.server.sync.read(roomId, 'board', readCurrentQuestion);
        await joinRoom(page, own, 'Pat');
        await connected(page);
        const planStart = page.getByTestId('practice-plan-start');
        await expect.poll(() => planStart.isEnabled(), { timeout: 10_000 }).toBe(true);
        expect(await planStart.textContent()).toBe('Practice 3 questions');
        await planStart.click();
        await expect.poll(() => page.getByTestId('practice-plan-progress').textContent(), { timeout: 10_000 }).toBe('Question 1 of 3');
        const first = (await onScreen())!;

        // Not finished yet: the step to the next question waits for the reveal and a self-score.
        const next = page.getByTestId('practice-plan-next');
        expect(await next.textContent()).toBe('Next question (2 of 3)');
        expect(await next.isDisabled()).toBe(true);
        await page.getByTestId('practice-reveal').click();
        await page.getByTestId('guide').waitFor({ timeout: 10_000 });
        expect(await next.isDisabled()).toBe(true);
        await page.getByTestId('rubric-row').nth(0).getByTestId('score-3').click();
        await expect.poll(() => next.isEnabled(), { timeout: 5000 }).toBe(true);
        await next.click();

        await expect.poll(() => page.getByTestId('practice-plan-progress').textContent(), { timeout: 10_000 }).toBe('Question 2 of 3');
        const second = (await onScreen())!;
        expect(second.id).not.toBe(first.id);
        // The plan spreads over topics, and the new question starts hidden again.
        expect(suite.server.questions.get(second.id)!.topic).not.toBe(suite.server.questions.get(first.id)!.topic);
        await page.getByTestId('practice-reveal').waitFor({ timeout: 10_000 });
        expect(await page.getByTestId('guide').count()).toBe(0);
        expect(await page.getByTestId('practice-next').count()).toBe(0);

        // The end of time, without waiting out its minutes: the server moves the question's start
        // back so 5 s are left, on its own clock (which its rule for a time-up reveal reads) and so
        // in the browser's countdown alike.
        const startedAt = Date.now() - second.minutes * 60_000 + 5000;
        await suite.server.sync.change(roomId, 'board', (doc) => writeCurrentQuestion(doc, { ...second, startedAt }, Date.now()));
        await expect.poll(() => page.getByTestId('practice-countdown').textContent(), { timeout: 5000 }).toMatch(/^00:0\d left$/);
        expect(await page.getByTestId('practice-time-up').count()).toBe(0);
        const alert = page.getByTestId('practice-time-up');
        await alert.waitFor({ timeout: 15_000 });
        expect(await alert.getAttribute('role')).toBe('alert');
        expect(await alert.textContent()).toBe(`Time is up for “${second.title}”.`);
        expect(await page.getByTestId('practice-countdown').textContent()).toBe('Time is up');
        // The practiser's page asks for the time-up reveal by itself; the server takes it (time is
        // up on its clock too) and records it, so the guide opens with no button pressed.
        await page.getByTestId('guide').waitFor({ timeout: 10_000 });
        expect(await page.getByTestId('practice-reveal').count()).toBe(0);
        const reveals = await suite.server.sync.read(roomId, 'board', readReveals);
        expect(reveals.find((r) => r.questionId === second.id)).toMatchObject({ reason: 'time', role: 'candidate', name: 'Pat' });
        expect(await page.getByTestId('practice-error').count()).toBe(0);

        const pageErrors = errors.flat().filter((e) => !/WebSocket|Failed to load resource/.test(e));
        expect(pageErrors).toEqual([]);
      });
    } finally {
      for (const c of contexts.splice(0)) await c.close();
    }
  }, 240_000);
});
