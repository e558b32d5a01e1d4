/**
 * The scorecard: everything the panel decided about one interview, as JSON and as Markdown.
 * Built from the panel doc (scores, notes, ticks, signals, attachments) and the board's question history.
 * Interviewer-only: the route enforces that, this module only formats.
 */
import * as Y from 'yjs';
import {
  noteKey,
  panelAsked,
  panelAttachments,
  panelNotes,
  panelPlan,
  panelRaters,
  panelSignals,
  readPanelScores,
  askedKey,
} from '../shared/doc.js';
import { RUBRIC, overallCoverage, overallScore, panelSummary, questionCoverage, weightedScore } from '../shared/rubric.js';
import type { Question } from '../shared/question.js';
import type { RoomInfo, Scorecard, ScorecardQuestion, ScorecardRaterQuestion } from '../shared/api.js';

export function buildScorecard(room: RoomInfo, bank: (id: string) => Question | undefined, panel: Y.Doc, now = Date.now()): Scorecard {
  const scores = readPanelScores(panel);
  const raterInfo = panelRaters(panel);
  const raterIds = [...new Set([...raterInfo.keys(), ...Object.keys(scores)])].sort();
  // Values come from interviewers' clients: anything but a non-empty string is no name.
  const raters = raterIds.map((id) => ({ id, name: stringOr(raterInfo.get(id)?.name, `Interviewer ${id.slice(0, 4)}`) }));

  // Plan order first; then anything scored but no longer in the plan, so no score is ever dropped.
  const plan = panelPlan(panel).toArray().filter((id) => bank(id));
  const scoredElsewhere = new Set<string>();
  for (const sheet of Object.values(scores)) for (const q of Object.keys(sheet)) if (!plan.includes(q) && bank(q)) scoredElsewhere.add(q);
  const questionIds = [...plan, ...[...scoredElsewhere].sort()];

  const summary = panelSummary(scores, questionIds);
  const notes = panelNotes(panel);
  const asked = panelAsked(panel);
  const questions: ScorecardQuestion[] = questionIds.map((id) => {
    const q = bank(id)!;
    const byRater = Object.create(null) as Record<string, ScorecardRaterQuestion>;
    for (const r of raterIds) {
      const qs = scores[r]?.[id] ?? {};
      const w = weightedScore(qs);
      byRater[r] = { score: w.score, coverage: w.weightCovered, coverageLabel: questionCoverage(w), scores: qs, note: stringOr(notes.get(noteKey(r, id)), '') };
    }
    const stats = summary.perQuestion[id]!;
    return {
      id,
      title: q.title,
      minutes: q.minutes,
      inPlan: plan.includes(id),
      byRater,
      mean: stats.mean,
      sd: stats.sd,
      range: stats.range,
      asked: {
        followUps: q.followUps.map((_, i) => asked.has(askedKey(id, 'followUp', i))),
        probing: q.probing.map((_, i) => asked.has(askedKey(id, 'probing', i))),
      },
    };
  });
  // Prototype-less: rater ids come from the doc (issue 12).
  const overallBy = Object.create(null) as Scorecard['overall']['byRater'];
  for (const r of raterIds) {
    // The panel's own arithmetic and wording for the overall coverage (LiveScores shows the same).
    const o = overallScore(Object.hasOwn(scores, r) ? scores[r]! : {}, questionIds);
    overallBy[r] = { score: summary.overall.byInterviewer[r]?.score ?? null, coverage: o.weightCovered, coverageLabel: overallCoverage(o) };
  }
  return {
    room,
    generatedAt: now,
    raters,
    questions,
    overall: { byRater: overallBy, mean: summary.overall.mean, sd: summary.overall.sd, range: summary.overall.range },
    agreement: summary.agreement,
    signals: panelSignals(panel).toArray(),
    attachments: panelAttachments(panel).toArray(),
  };
}

const stringOr = (value: unknown, fallback: string): string => (typeof value === 'string' && value !== '' ? value : fallback);
const fmt = (n: number | null, digits = 1) => (n === null ? '—' : n.toFixed(digits));
const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

/**
 * Text a room's people typed (the title, display names, captions) as inert Markdown: one line,
 * HTML's three specials as entities, Markdown's inline punctuation backslash-escaped, so a
 * title such as `[x](javascript:alert(1))` or `<img src=x onerror=...>` is shown as typed in
 * any renderer instead of becoming a link, an image or a heading. Question titles come from the
 * bank and notes are the interviewers' own Markdown: those keep `cell`.
 */
export function mdText(text: string): string {
  return text
    .replace(/[\r\n\u2028\u2029]+/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*_{}[\]()#!|~]/g, '\\$&')
    // GFM turns bare URLs into links on its own: break the scheme and www. forms.
    .replace(/:\/\//g, '\\://')
    .replace(/\bwww\./gi, (m) => `${m.slice(0, 3)}\\.`);
}

export function scorecardMarkdown(card: Scorecard): string {
  const name = (id: string) => mdText(card.raters.find((r) => r.id === id)?.name ?? id);
  const lines: string[] = [];
  lines.push(`# Scorecard: ${mdText(card.room.title)}`, '');
  lines.push(`Room \`${card.room.id}\` · created ${new Date(card.room.createdAt).toISOString()} · generated ${new Date(card.generatedAt).toISOString()}`, '');
  lines.push('## Overall', '');
  lines.push('| interviewer | score (0–100) | coverage |', '|---|---|---|');
  for (const r of card.raters) {
    const o = card.overall.byRater[r.id]!;
    lines.push(`| ${mdText(r.name)} | ${fmt(o.score)} | ${o.coverageLabel} |`);
  }
  lines.push('', `Panel mean **${fmt(card.overall.mean)}** · sd ${fmt(card.overall.sd)} · range ${fmt(card.overall.range)}`);
  lines.push(
    card.agreement.alpha === null
      ? `Agreement (Krippendorff's α, interval): — (${card.agreement.message})`
      : `Agreement (Krippendorff's α, interval): **${card.agreement.alpha.toFixed(3)}** over ${card.agreement.pairableUnits} items, ${card.agreement.coders} interviewers`,
    '',
  );
  lines.push(`Weights: ${RUBRIC.map((c) => `${c.label} ${c.weight}%`).join(', ')}. Unscored items are missing, never zero.`, '');
  for (const q of card.questions) {
    lines.push(`## ${cell(q.title)}${q.inPlan ? '' : ' (not in the plan)'}`, '');
    lines.push(`Suggested ${q.minutes} min · panel mean **${fmt(q.mean)}** · sd ${fmt(q.sd)} · range ${fmt(q.range)}`, '');
    const header = ['sub-criterion', ...card.raters.map((r) => mdText(r.name))];
    lines.push(`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`);
    for (const c of RUBRIC) {
      for (const sub of c.subCriteria) {
        const row = card.raters.map((r) => String(q.byRater[r.id]?.scores[sub.id] ?? '—'));
        lines.push(`| ${c.label}: ${sub.label} | ${row.join(' | ')} |`);
      }
    }
    lines.push(`| **weighted (0–100)** | ${card.raters.map((r) => `**${fmt(q.byRater[r.id]?.score ?? null)}** (${q.byRater[r.id]?.coverageLabel ?? '—'})`).join(' | ')} |`, '');
    const asked = q.asked.followUps.filter(Boolean).length + q.asked.probing.filter(Boolean).length;
    lines.push(`Follow-ups and probing questions asked: ${asked} of ${q.asked.followUps.length + q.asked.probing.length}`, '');
    for (const r of card.raters) {
      const note = q.byRater[r.id]?.note.trim();
      if (note) lines.push(`**Notes — ${name(r.id)}:**`, '', note, '');
    }
  }
  lines.push('## Candidate signals', '');
  if (card.signals.length === 0) lines.push('None.');
  for (const s of card.signals) {
    const what = s.kind === 'paste' ? `pasted ${s.chars ?? '?'} characters into the pad` : s.kind === 'hidden' ? 'left the tab' : 'came back to the tab';
    lines.push(`- ${new Date(s.at).toISOString()} — ${mdText(s.name)} ${what}`);
  }
  lines.push('', '## Attachments', '');
  if (card.attachments.length === 0) lines.push('None.');
  // The Markdown names the file rather than embedding it: the image needs the room's token to fetch.
  for (const a of card.attachments) {
    lines.push(`- ${new Date(a.at).toISOString()} — ${mdText(a.caption || 'Untitled board image')} (attached by ${mdText(a.by)}; file \`${a.fileId}\`)`);
  }
  lines.push('');
  return lines.join('\n');
}
