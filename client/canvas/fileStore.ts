/**
 * Where image bytes live: our server's file REST API, never the Y.Doc (the doc holds only
 * FileMeta). The fetch function is injectable so the binding can be tested without a server.
 */
import { sniffImageMime } from '../../shared/imageType.js';
import { LIMITS } from '../../shared/protocol.js';

export interface FileStore {
  /** Stores the bytes; rejects with FileTooLargeError or FileStoreError. */
  put(fileId: string, mimeType: string, bytes: Uint8Array<ArrayBuffer>): Promise<void>;
  /**
   * Returns the bytes and the image type they carry (their signature, never a header: the file
   * was uploaded by someone else), or null for bytes that are no image we show; rejects with
   * FileStoreError.
   */
  get(fileId: string): Promise<{ bytes: Uint8Array<ArrayBuffer>; mimeType: string | null }>;
}

export class FileStoreError extends Error {
  override name = 'FileStoreError';
  constructor(
    message: string,
    readonly status: number | null = null,
  ) {
    super(message);
  }
}

export class FileTooLargeError extends FileStoreError {
  override name = 'FileTooLargeError';
}

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export interface HttpFileStoreOptions {
  roomId: string;
  token: string;
  /** Defaults to window.fetch; tests pass a fake. */
  fetch?: FetchLike;
  /** Prefix for the API paths; '' means same origin. */
  baseUrl?: string;
}

export function formatMegabytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1).replace(/\.0$/, '')} MB`;
}

export function fileTooLargeMessage(size: number): string {
  const limit = formatMegabytes(LIMITS.MAX_FILE_BYTES);
  return `This image is too large (${formatMegabytes(size)}); images may be at most ${limit}.`;
}

/** The server answers errors as `{ error, message }`; fall back to the status line if not. */
async function serverMessage(response: Response): Promise<string | null> {
  try {
    const body = (await response.json()) as { message?: unknown };
    return typeof body.message === 'string' ? body.message : null;
  } catch {
    return null;
  }
}

export function createHttpFileStore(options: HttpFileStoreOptions): FileStore {
  // Bound lazily: an unbound window.fetch throws "Illegal invocation" in browsers.
  const fetchFn: FetchLike = options.fetch ?? ((input, init) => window.fetch(input, init));
  const base = options.baseUrl ?? '';
  const url = (fileId: string) =>
    `${base}/api/rooms/${encodeURIComponent(options.roomId)}/files/${encodeURIComponent(fileId)}`;
  const auth = { Authorization: `Bearer ${options.token}` };

  return {
    async put(fileId, mimeType, bytes) {
      if (bytes.byteLength > LIMITS.MAX_FILE_BYTES) {
        throw new FileTooLargeError(fileTooLargeMessage(bytes.byteLength), 413);
      }
      let response: Response;
      try {
        response = await fetchFn(url(fileId), {
          method: 'PUT',
          headers: { ...auth, 'Content-Type': mimeType },
          body: bytes,
        });
      } catch (error) {
        throw new FileStoreError(`Could not upload the image: ${(error as Error).message}`);
      }
      if (response.ok) return;
      const message = await serverMessage(response);
      if (response.status === 413) {
        throw new FileTooLargeError(message ?? fileTooLargeMessage(bytes.byteLength), 413);
      }
      throw new FileStoreError(
        `Could not upload the image: ${message ?? `${response.status} ${response.statusText}`.trim()}`,
        response.status,
      );
    },

    async get(fileId) {
      let response: Response;
      try {
        response = await fetchFn(url(fileId), { method: 'GET', headers: auth });
      } catch (error) {
        throw new FileStoreError(`Could not load an image: ${(error as Error).message}`);
      }
      if (!response.ok) {
        const message = await serverMessage(response);
        throw new FileStoreError(
          `Could not load an image: ${message ?? `${response.status} ${response.statusText}`.trim()}`,
          response.status,
        );
      }
      const bytes = new Uint8Array(await response.arrayBuffer());
      return { bytes, mimeType: sniffImageMime(bytes) };
    },
  };
}
