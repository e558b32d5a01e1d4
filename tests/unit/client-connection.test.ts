import { describe, expect, it } from 'vitest';
import { CloseCode, FATAL_CLOSE_CODES } from '../../shared/protocol.js';
import {
  closeCodeForStatus,
  connectionState,
  fatalMessage,
  isFatalClose,
  type ConnectionFacts,
} from '../../client/lib/connection.js';

const base: ConnectionFacts = { browserOnline: true, socketOpen: false, shouldConnect: true, everConnected: false };

describe('connectionState', () => {
  it('is connecting until the first open, reconnecting after it', () => {
    expect(connectionState(base)).toBe('connecting');
    expect(connectionState({ ...base, socketOpen: true, everConnected: true })).toBe('connected');
    expect(connectionState({ ...base, everConnected: true })).toBe('reconnecting');
  });

  it('is offline when the browser is offline, whatever the socket says', () => {
    expect(connectionState({ ...base, browserOnline: false })).toBe('offline');
    expect(connectionState({ ...base, browserOnline: false, socketOpen: true, everConnected: true })).toBe('offline');
  });

  it('is offline once the provider has stopped trying', () => {
    expect(connectionState({ ...base, shouldConnect: false, everConnected: true })).toBe('offline');
  });
});

describe('fatal closes', () => {
  it('follows the shared FATAL_CLOSE_CODES set', () => {
    for (const code of FATAL_CLOSE_CODES) expect(isFatalClose(code)).toBe(true);
    expect(isFatalClose(CloseCode.PersistFailed)).toBe(false);
    expect(isFatalClose(CloseCode.ServerShutdown)).toBe(false);
    expect(isFatalClose(1006)).toBe(false);
    expect(isFatalClose(null)).toBe(false);
  });

  it('has a specific sentence for every fatal code and a generic one otherwise', () => {
    expect(fatalMessage(CloseCode.Revoked).title).toBe('This link was revoked by the interviewer.');
    expect(fatalMessage(CloseCode.BadToken).title).toBe('This link is not valid.');
    for (const code of FATAL_CLOSE_CODES) {
      expect(fatalMessage(code).title).not.toMatch(/code \d+/);
      expect(fatalMessage(code).action.length).toBeGreaterThan(0);
    }
    expect(fatalMessage(4999).title).toContain('4999');
  });

  it('maps dead-link HTTP answers to the matching close codes', () => {
    expect(closeCodeForStatus(401)).toBe(CloseCode.BadToken);
    expect(closeCodeForStatus(404)).toBe(CloseCode.NotFound);
    expect(closeCodeForStatus(410)).toBe(CloseCode.Revoked);
    expect(closeCodeForStatus(500)).toBeNull();
    expect(closeCodeForStatus(0)).toBeNull();
  });
});
