import type { DiagramTemplate } from '../_lib/diagrams/define.js';
import { D_MODEL, arrow, blocks, data, place } from '../_lib/diagrams/blocks.js';

const D = D_MODEL;

/** Q7/Q8: per-modality encoders, modality embeddings, cross-modal fusion, task heads, missing modalities. */
function multimodal(): DiagramTemplate {
  const p = (id: string) => `q07-${id}`;
  const image = data(p('image'), 'Image', '[B, 3, 224, 224]', 0, 0);
  const text = data(p('text'), 'Text tokens', '[B, L]', 0, 1);
  const audio = data(p('audio'), 'Audio (log-mel)', '[B, 80, F]', 0, 2);
  const vision = place(p('vision-encoder'), blocks.visionEncoder, 1, 0);
  const textEnc = place(p('text-encoder'), blocks.textEncoder, 1, 1);
  const audioEnc = place(p('audio-encoder'), blocks.audioEncoder, 1, 2);
  const visionEmb = place(p('vision-modality'), blocks.modalityEmbedding, 2, 0, { label: 'Modality embedding + e_img', shape: `[B, 196, ${D}]` });
  const textEmb = place(p('text-modality'), blocks.modalityEmbedding, 2, 1, { label: 'Modality embedding + e_txt', shape: `[B, L, ${D}]` });
  const audioEmb = place(p('audio-modality'), blocks.modalityEmbedding, 2, 2, { label: 'Modality embedding + e_aud', shape: `[B, A, ${D}]` });
  const missing = place(p('missing-modality'), blocks.modalityEmbedding, 2, 3, {
    label: 'Missing modality: learned mask tokens + modality dropout',
    width: 260,
  });
  // Queries, keys and values all come from the one concatenated sequence: joint self-attention,
  // not cross-attention (the guide's point). Padded and absent tokens are masked out as keys.
  const fusion = place(p('fusion'), blocks.crossAttentionFusion, 3, 1, {
    label: 'Joint self-attention fusion ×6 over the concatenated tokens',
    shape: `[B, *, ${D}] → [B, N, ${D}]`,
    width: 260,
  });
  const paddingMask = data(p('padding-mask'), 'Key-padding mask: B × N, 1 = real token, 0 = padding or absent', '', 3, 2);
  const cls = place(p('classification-head'), blocks.classificationHead, 4, 0);
  const gen = place(p('generation-head'), blocks.generationHead, 4, 2);
  return {
    id: 'multimodal-fusion',
    question: 'q07-multimodal-architecture/question.md',
    title: 'Multimodal fusion model (vision, text, audio)',
    elements: [
      image, text, audio, vision, textEnc, audioEnc, visionEmb, textEmb, audioEmb, missing, fusion, paddingMask, cls, gen,
      arrow(p('a-image-vision'), image, vision),
      arrow(p('a-text-encoder'), text, textEnc),
      arrow(p('a-audio-encoder'), audio, audioEnc),
      arrow(p('a-vision-emb'), vision, visionEmb),
      arrow(p('a-text-emb'), textEnc, textEmb),
      arrow(p('a-audio-emb'), audioEnc, audioEmb),
      arrow(p('a-vision-fusion'), visionEmb, fusion),
      arrow(p('a-text-fusion'), textEmb, fusion),
      arrow(p('a-audio-fusion'), audioEmb, fusion),
      arrow(p('a-missing-fusion'), missing, fusion),
      arrow(p('a-mask-fusion'), paddingMask, fusion, { label: 'mask' }),
      arrow(p('a-fusion-cls'), fusion, cls),
      arrow(p('a-fusion-gen'), fusion, gen),
    ],
  };
}

export default multimodal();
