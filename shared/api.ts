/** REST request/response schemas. The server validates every body with these; the client reuses the types. */
import { z } from 'zod';
import { LIMITS, ROLES } from './protocol.js';

export const RoleSchema = z.enum(ROLES);

export const CreateRoomBody = z
  .object({
    title: z
      .string()
      .trim()
      .max(LIMITS.MAX_TITLE_CHARS, `title must be at most ${LIMITS.MAX_TITLE_CHARS} characters`)
      .optional(),
  })
  .strict();
export type CreateRoomBody = z.infer<typeof CreateRoomBody>;

export const RoomInfo = z.object({
  id: z.string(),
  title: z.string(),
  createdAt: z.number(),
});
export type RoomInfo = z.infer<typeof RoomInfo>;

export const LinkInfo = z.object({
  id: z.string(),
  role: RoleSchema,
  createdAt: z.number(),
  revokedAt: z.number().nullable(),
});
export type LinkInfo = z.infer<typeof LinkInfo>;

/** A freshly minted link: the only time its token is ever shown. */
export const NewLink = LinkInfo.extend({ token: z.string(), url: z.string() });
export type NewLink = z.infer<typeof NewLink>;

export const CreateRoomResponse = z.object({
  room: RoomInfo,
  links: z.object({ interviewer: NewLink, candidate: NewLink, observer: NewLink }),
});
export type CreateRoomResponse = z.infer<typeof CreateRoomResponse>;

export const WhoAmIResponse = z.object({ room: RoomInfo, role: RoleSchema, linkId: z.string() });
export type WhoAmIResponse = z.infer<typeof WhoAmIResponse>;

export const LinksResponse = z.object({ links: z.array(LinkInfo) });
export type LinksResponse = z.infer<typeof LinksResponse>;

export const CreateLinkBody = z.object({ role: RoleSchema }).strict();
export type CreateLinkBody = z.infer<typeof CreateLinkBody>;

export const ApiError = z.object({ error: z.string(), message: z.string() });
export type ApiError = z.infer<typeof ApiError>;

/** Excalidraw file ids are hex digests; keep the route strict so ids can't smuggle paths. */
export const FILE_ID_PATTERN = /^[A-Za-z0-9_-]{8,128}$/;
export const ALLOWED_FILE_MIME = ['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/svg+xml', 'image/bmp', 'image/x-icon', 'image/avif', 'image/jfif'] as const;
