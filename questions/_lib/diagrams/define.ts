/**
 * What a built-in diagram module declares. Each lives in the folder of the question it serves,
 * `questions/<slug>/<id>.diagram.ts`, default-exporting one template built with ./blocks.ts;
 * questions/index.ts registers it. A custom bank's `<id>.diagram.json` has the same shape.
 */
import type { ExcalidrawElementSkeleton } from '@excalidraw/excalidraw/data/transform';

export interface DiagramTemplate {
  /** equals the `diagram:` front matter of the question it serves, and the module's file name */
  id: string;
  /** The question file this template serves (questions/<slug>/question.md), in the same folder. */
  question: string;
  title: string;
  elements: ExcalidrawElementSkeleton[];
}
