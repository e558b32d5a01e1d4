import { lazy, Suspense } from 'react';
import Landing from './landing/Landing.js';
import { parseRoute } from './lib/route.js';
import { StatusScreen } from './lib/StatusScreen.js';

// The room pulls in Yjs, CodeMirror and (lazily, again) Excalidraw; the landing page needs none.
const RoomPage = lazy(() => import('./room/RoomPage.js'));
// The printable scorecard needs neither Yjs nor the editors: its own small chunk.
const ScorecardPage = lazy(() => import('./scorecard/ScorecardPage.js'));
// Replay brings the engine, Excalidraw and the pad, all in its own chunks.
const ReplayPage = lazy(() => import('./replay/ReplayPage.js'));
const PracticeHistoryPage = lazy(() => import('./practice/HistoryPage.js'));

export function App() {
  const route = parseRoute(window.location.pathname);
  switch (route.kind) {
    case 'landing':
      return <Landing />;
    case 'room':
      return (
        <Suspense fallback={<StatusScreen tone="loading" title="Opening the interview…" />}>
          <RoomPage roomId={route.roomId} />
        </Suspense>
      );
    case 'scorecard':
      return (
        <Suspense fallback={<StatusScreen tone="loading" title="Loading the scorecard…" />}>
          <ScorecardPage roomId={route.roomId} />
        </Suspense>
      );
    case 'replay':
      return (
        <Suspense fallback={<StatusScreen tone="loading" title="Opening the recording…" />}>
          <ReplayPage roomId={route.roomId} />
        </Suspense>
      );
    case 'practiceHistory':
      return (
        <Suspense fallback={<StatusScreen tone="loading" title="Loading your practice history…" />}>
          <PracticeHistoryPage />
        </Suspense>
      );
    case 'notFound':
      return (
        <StatusScreen
          testId="not-found"
          title="There is nothing at this address."
          message="Interview links look like /r/<room>#token=…; check that you copied the whole link."
          actions={
            <a className="button button-primary" href="/">
              Go to the start page
            </a>
          }
        />
      );
  }
}
