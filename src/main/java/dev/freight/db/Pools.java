package dev.freight.db;

import io.vertx.sqlclient.Pool;

/**
 * The pools (see {@link Database}): {@code requests} for what a request reads and writes, {@code
 * jobs} for job work (claims, leases, diffs, applies, exports, files being stored), {@code
 * libraryVersion} for the library's version that list requests share.
 */
public record Pools(Pool requests, Pool jobs, Pool libraryVersion) {}
