import type express from 'express';
import type { ApolloServerPlugin, HeaderMap } from '@apollo/server';
import type { Database } from '../neo4j/database.js';
import { ErrorCode, InvariantError } from '../errors.js';
import { sendError } from './httpErrors.js';

/**
 * Read-your-own-writes across a fleet of servers. A response to a request that wrote (a mutation, an
 * import) carries the bookmarks its transactions ended with in X-Claimgraph-Bookmark; a request that
 * sends them back is served no older than that write, whichever server and cluster member get it (its
 * transactions begin with those bookmarks). A response to a request that sent the header carries it too,
 * with the newest bookmarks the request knows (those it sent, or newer ones), so a client may always keep
 * the last value it received and send it with every request.
 *
 * Several bookmarks travel in one header value separated by commas (", " when claimgraph writes them);
 * repeated header lines are accepted, as HTTP joins them the same way. Bookmarks are Neo4j's opaque strings:
 * what comes in is only checked for size and charset here; a well-formed one Neo4j cannot read is refused
 * by the database layer (400 naming the header too).
 */
export const BOOKMARK_HEADER = 'X-Claimgraph-Bookmark';
/**
 * A response carries at most one bookmark per transaction of its request that ran alongside others (so no
 * more than CLAIMGRAPH_MAX_CONCURRENT_QUERIES_PER_REQUEST, itself at most 64; mostly one): whatever a response
 * gives can be sent back as it is.
 */
export const MAX_BOOKMARKS = 64;
/** Neo4j 5's bookmarks are some 30–60 characters; room for composite databases and future formats. */
export const MAX_BOOKMARK_LENGTH = 512;
/** The characters of Neo4j's bookmarks (base64 or base64url with a prefix, legacy forms with colons). */
const BOOKMARK = /^[A-Za-z0-9+/=:._-]+$/;

/** The bookmarks of a request's header (none when absent or blank), or what is wrong with it. */
export function parseBookmarkHeader(value: string | undefined): { bookmarks: string[] } | { error: string } {
  if (value === undefined || value.trim() === '') return { bookmarks: [] };
  const items = value.split(',').map((item) => item.trim());
  if (items.some((item) => item === '')) return { error: `${BOOKMARK_HEADER} has an empty item; send the bookmarks separated by commas.` };
  if (items.length > MAX_BOOKMARKS) return { error: `${BOOKMARK_HEADER} holds ${items.length} bookmarks; at most ${MAX_BOOKMARKS} are accepted (send the last value a response gave).` };
  for (const item of items) {
    if (item.length > MAX_BOOKMARK_LENGTH) return { error: `${BOOKMARK_HEADER} holds a bookmark longer than ${MAX_BOOKMARK_LENGTH} characters.` };
    if (!BOOKMARK.test(item)) return { error: `${BOOKMARK_HEADER} holds a malformed bookmark; send back exactly what a claimgraph response gave.` };
  }
  return { bookmarks: [...new Set(items)] };
}

/**
 * Gives the request its view of the database (res.locals.db), begun with the bookmarks of its header; a
 * malformed header is a 400 BAD_USER_INPUT naming it.
 */
export function requestDatabase(db: Database): express.RequestHandler {
  return (req, res, next) => {
    const parsed = parseBookmarkHeader(req.header(BOOKMARK_HEADER));
    if ('error' in parsed) return sendError(res, 400, ErrorCode.BAD_USER_INPUT, parsed.error, { argument: BOOKMARK_HEADER });
    res.locals.db = db.forRequest(parsed.bookmarks.length ? { bookmarks: { values: parsed.bookmarks, argument: BOOKMARK_HEADER } } : {});
    next();
  };
}

/** The request's view of the database, made by `requestDatabase`. */
export function databaseOf(res: express.Response): Database {
  const db = res.locals.db as Database | undefined;
  if (!db) throw new InvariantError('no database view for this request: requestDatabase is not mounted on its route');
  return db;
}

/** The header's value for a response: when the request wrote or sent bookmarks, its newest ones. */
export async function bookmarksToReturn(db: Database): Promise<string | null> {
  if (!db.wrote && !db.givenBookmarks.length) return null;
  const bookmarks = await db.lastBookmarks();
  return bookmarks.length ? bookmarks.join(', ') : null;
}

/**
 * Sets the header (and lets cross-origin scripts read it, should a proxy in front add CORS); a response
 * sends it as it stands when its headers go out, so this is called once the request's writes are done.
 */
export async function setBookmarkHeader(target: express.Response | HeaderMap, db: Database): Promise<void> {
  const value = await bookmarksToReturn(db);
  if (value === null) return;
  if ('setHeader' in target) {
    if (target.headersSent) return;
    target.setHeader(BOOKMARK_HEADER, value);
    target.append('Access-Control-Expose-Headers', BOOKMARK_HEADER);
  } else {
    target.set(BOOKMARK_HEADER.toLowerCase(), value);
    const exposed = target.get('access-control-expose-headers');
    target.set('access-control-expose-headers', exposed ? `${exposed}, ${BOOKMARK_HEADER}` : BOOKMARK_HEADER);
  }
}

/** GraphQL responses carry the header like the other routes' (after every resolver has run). */
export const bookmarkPlugin: ApolloServerPlugin<{ db: Database }> = {
  async requestDidStart() {
    return {
      async willSendResponse({ response, contextValue }) {
        await setBookmarkHeader(response.http.headers, contextValue.db);
      },
    };
  },
};
