package dev.freight.db;

import io.vertx.sqlclient.Pool;

/**
 * The two pools (see {@link Database}): {@code requests} for what a request reads and writes,
 * {@code jobs} for job work (claims, leases, diffs, applies, exports, files being stored).
 */
public record Pools(Pool requests, Pool jobs) {}
