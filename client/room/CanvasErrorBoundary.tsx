import { Component, type ErrorInfo, type ReactNode } from 'react';

interface State {
  error: Error | null;
}

/**
 * The canvas is a separately loaded chunk; if it fails to load or crashes, the pad and the
 * rest of the room keep working and the canvas pane says what to do.
 */
export class CanvasErrorBoundary extends Component<{ children: ReactNode }, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(error: Error): State {
    return { error };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error('canvas crashed', error, info.componentStack);
  }

  override render() {
    if (!this.state.error) return this.props.children;
    return (
      <div className="pane-message" role="alert">
        <p>
          <strong>The canvas could not be shown.</strong>
        </p>
        <p className="muted">The code pad still works. Reload the page to try the canvas again.</p>
        <button type="button" className="button" onClick={() => window.location.reload()}>
          Reload
        </button>
      </div>
    );
  }
}
