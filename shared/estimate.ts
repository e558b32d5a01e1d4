/**
 * What a diagram block carries for the shape/cost estimator (client/canvas/shapes.ts): the
 * question bank's diagram kit writes it into elements' customData and the board reads it back,
 * so the type lives here, below both. d is the model width, T the sequence length, w the window.
 */
export type EstimateParams =
  | { kind: 'linear'; dIn: number; dOut: number; T?: number; bias?: boolean }
  | { kind: 'ffn'; d: number; dFf?: number; T?: number }
  | { kind: 'mha'; d: number; heads: number; T: number }
  | { kind: 'sliding-window'; d: number; heads: number; w: number; T: number }
  | { kind: 'linear-attention'; d: number; heads: number; T: number }
  | { kind: 'layernorm'; d: number; T?: number }
  | { kind: 'embedding'; vocab: number; d: number; T?: number };
