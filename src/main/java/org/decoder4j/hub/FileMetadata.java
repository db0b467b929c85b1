package org.decoder4j.hub;

import java.net.URI;

/**
 * What the Hub says about one file at a revision, from the headers of its answer to
 * {@code HEAD {endpoint}/{repo}/resolve/{revision}/{file}}.
 *
 * @param commit the commit the revision resolved to ({@code X-Repo-Commit})
 * @param etag the file's ETag without quotes or {@code W/}: {@code X-Linked-Etag} for a file in
 *             Git LFS (its sha256), else {@code ETag} (the Git blob hash)
 * @param size its size in bytes ({@code X-Linked-Size}, else {@code Content-Length}), or -1 if unknown
 * @param location where to fetch its bytes: the address a redirect to another host (a CDN) gave,
 *                 else the resolve address reached after redirects on the Hub's own host
 * @param lfs whether the file is kept in Git LFS ({@code X-Linked-Etag} present); its ETag is then
 *            its sha256, which the download is checked against
 */
public record FileMetadata(String commit, String etag, long size, URI location, boolean lfs) {

    /**
     * Whether the ETag is a sha256 (64 hex digits) that the downloaded bytes must hash to.
     *
     * @return true for an LFS file whose ETag is 64 lower-case hex digits
     */
    public boolean hasSha256() {
        return lfs && etag.matches("[0-9a-f]{64}");
    }

    /** An ETag header's value without the weak prefix {@code W/} and the quotes. */
    static String normalizeEtag(String header) {
        if (header == null) {
            return null;
        }
        String e = header.trim();
        if (e.startsWith("W/")) {
            e = e.substring(2);
        }
        if (e.length() >= 2 && e.startsWith("\"") && e.endsWith("\"")) {
            e = e.substring(1, e.length() - 1);
        }
        return e.isEmpty() ? null : e;
    }
}
