package org.lorapipe.storage;

import java.time.Instant;

/**
 * What the store knows about one object (or, in a non-recursive listing, one common prefix).
 *
 * @param uri the object's location
 * @param size bytes (0 for prefixes)
 * @param etag the server's entity tag without quotes (null for prefixes); NOT a content hash for
 *     multipart uploads, which is why publications record sha256 themselves
 * @param lastModified null for prefixes
 * @param prefix true for a "directory" entry of a non-recursive listing
 */
public record ObjectInfo(S3Uri uri, long size, String etag, Instant lastModified, boolean prefix) {}
