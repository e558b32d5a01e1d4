/**
 * Imported by Canvas.tsx BEFORE '@excalidraw/excalidraw': Excalidraw builds its font URLs from
 * window.EXCALIDRAW_ASSET_PATH, and attn must work on a network with no internet, so the fonts
 * come from our server (which serves the package's dist/prod/fonts at /excalidraw-assets/fonts/).
 */
declare global {
  interface Window {
    EXCALIDRAW_ASSET_PATH?: string | string[];
  }
}

export const EXCALIDRAW_ASSET_PATH = `${window.location.origin}/excalidraw-assets/`;

window.EXCALIDRAW_ASSET_PATH = EXCALIDRAW_ASSET_PATH;
