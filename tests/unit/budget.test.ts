import { describe, expect, it } from 'vitest';
import { ByteBudget } from '../../server/sync/budget.js';

describe('ByteBudget (per-room sync throughput)', () => {
  it('lets a burst through, then asks the spender to pause for the debt at the configured rate', () => {
    let now = 0;
    const budget = new ByteBudget(1000, 4000, () => now);
    expect(budget.spend(4000)).toBe(0);
    expect(budget.spend(500)).toBe(500); // 500 bytes of debt at 1000 B/s
    now += 500;
    expect(budget.spend(0)).toBe(0);
    expect(budget.full).toBe(false);
    now += 4000;
    expect(budget.full).toBe(true);
  });

  it('floors the debt at one burst, so one huge charge pauses for at most burst / rate', () => {
    let now = 0;
    const budget = new ByteBudget(1000, 4000, () => now);
    expect(budget.spend(32 * 1024 * 1024)).toBe(4000);
    now += 4001;
    expect(budget.spend(1)).toBe(0);
  });

  it('is in debt from the first byte past empty until the debt is repaid', () => {
    let now = 0;
    const budget = new ByteBudget(1000, 4000, () => now);
    budget.spend(4000);
    expect(budget.inDebt).toBe(false);
    budget.spend(1000);
    expect(budget.inDebt).toBe(true);
    now += 999;
    expect(budget.inDebt).toBe(true);
    now += 2;
    expect(budget.inDebt).toBe(false);
  });
});
