import type { DiagramTemplate } from '../_lib/diagrams/define.js';
import { arrow, blocks, data, place } from '../_lib/diagrams/blocks.js';

/** Q5: the DDPM / DDIM sampling loop, timesteps counted from 0 as in the guide and challenges. */
function diffusionSampling(): DiagramTemplate {
  const p = (id: string) => `q05-${id}`;
  const noise = data(p('noise'), 'Pure noise at t = T−1, ~ N(0, I)', '[B, C, H, W]', 0, 0);
  const unet = place(p('unet'), blocks.unet, 1, 0, { label: 'U-Net predicts ε_θ(xₜ, t)' });
  const scheduler = place(p('scheduler'), blocks.noiseScheduler, 2, 0, {
    label: 'Scheduler step from t to s\nDDPM: s = t−1, xₛ = (xₜ − βₜ/√(1−ᾱₜ)·ε)/√αₜ + σₜ·z\nDDIM (η=0): any earlier s, xₛ = √ᾱₛ·x̂₀ + √(1−ᾱₛ)·ε',
    // 300 leaves a gap to the next column (320 px) so the arrow to x₀ stays visible.
    width: 300,
    height: 130,
  });
  const output = data(p('sample'), 'x₀ (after T steps, or S ≪ T with DDIM)', '[B, C, H, W]', 3, 0);
  // The loop goes to the next timestep of the sampling schedule: every step for DDPM, a strided
  // subsequence for DDIM (50 of 1000 is a stride of 20), so "t ← t−1" would be wrong for DDIM.
  return {
    id: 'ddpm-ddim-sampling',
    question: 'q05-ddpm-vs-ddim/question.md',
    title: 'DDPM / DDIM sampling loop',
    elements: [
      noise, unet, scheduler, output,
      arrow(p('a-noise-unet'), noise, unet),
      arrow(p('a-unet-scheduler'), unet, scheduler, { label: 'ε' }),
      arrow(p('a-scheduler-unet'), scheduler, unet, { label: 't ← s, the next timestep in the schedule (DDPM: t−1; DDIM: e.g. t−20)', control: true }),
      arrow(p('a-scheduler-sample'), scheduler, output, { label: 'after the step at t = 0' }),
    ],
  };
}

export default diffusionSampling();
