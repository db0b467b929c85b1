package org.decoder4j.hub;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * The Hub's HTTP conversation, on the JDK's {@link HttpClient}. Redirects are followed by hand:
 * a {@code HEAD} on a {@code resolve} address follows those that stay on the Hub's host (a renamed
 * repository answers 307 with a relative address) and stops at one to another host (a file in
 * Git LFS answers 302 to a CDN), whose headers describe the file; a {@code GET} follows all, and
 * the access token never leaves the Hub's host.
 */
final class HubHttp {

    private static final int MAX_REDIRECTS = 10;
    private static final String USER_AGENT = "decoder4j/"
            + Optional.ofNullable(HubHttp.class.getPackage().getImplementationVersion()).orElse("dev")
            + "; java/" + System.getProperty("java.version");

    private final HttpClient client;
    private final String token;
    private final Duration timeout;

    HubHttp(String token, Duration timeout) {
        this.client = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(timeout)
                .build();
        this.token = token;
        this.timeout = timeout;
    }

    /** The answer to a HEAD: the file's metadata, or empty when the Hub says the file does not exist. */
    record Head(Optional<FileMetadata> metadata, String commit) {
    }

    /**
     * Asks for the metadata of a file.
     *
     * @throws HubUnreachableException if no answer came
     * @throws IOException for an error status other than "no such file", with the Hub's message
     */
    Head head(URI url, String what) throws IOException {
        URI current = url;
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            HttpResponse<Void> r = send(request(current, url).method("HEAD", HttpRequest.BodyPublishers.noBody())
                    .header("Accept-Encoding", "identity").build(), HttpResponse.BodyHandlers.discarding(), current);
            int status = r.statusCode();
            Optional<URI> location = r.headers().firstValue("Location").map(current::resolve);
            if (isRedirect(status) && location.isPresent() && sameHost(current, location.get())) {
                current = location.get();
                continue;
            }
            String commit = r.headers().firstValue("X-Repo-Commit").orElse(null);
            if (status == 404 && "EntryNotFound".equals(errorCode(r))) {
                return new Head(Optional.empty(), commit);
            }
            if (status >= 400 || (isRedirect(status) && location.isEmpty())) {
                throw statusError(r, what, current);
            }
            String linkedEtag = r.headers().firstValue("X-Linked-Etag").orElse(null);
            String etag = FileMetadata.normalizeEtag(linkedEtag != null ? linkedEtag
                    : r.headers().firstValue("ETag").orElse(null));
            if (commit == null || etag == null) {
                throw new IOException(what + ": the answer from " + current + " has no "
                        + (commit == null ? "X-Repo-Commit" : "ETag") + " header, so the file cannot be "
                        + "cached; is HF_ENDPOINT a Hugging Face Hub?");
            }
            long size = r.headers().firstValueAsLong("X-Linked-Size")
                    .orElse(isRedirect(status) ? -1 : r.headers().firstValueAsLong("Content-Length").orElse(-1));
            return new Head(Optional.of(new FileMetadata(commit, etag, size, location.orElse(current),
                    linkedEtag != null)), commit);
        }
        throw new IOException(what + ": more than " + MAX_REDIRECTS + " redirects from " + url);
    }

    /**
     * Starts a {@code GET} of {@code url} from byte {@code from} on (a {@code Range} request when
     * above 0), following redirects; the caller reads and closes the body.
     *
     * @param hub the Hub address the request started from: the token goes only to its host
     */
    HttpResponse<InputStream> get(URI url, URI hub, long from, String what) throws IOException {
        URI current = url;
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            HttpRequest.Builder b = request(current, hub).GET().header("Accept-Encoding", "identity");
            if (from > 0) {
                b.header("Range", "bytes=" + from + "-");
            }
            HttpResponse<InputStream> r = send(b.build(), TimedBody.handler(timeout), current);
            int status = r.statusCode();
            Optional<URI> location = r.headers().firstValue("Location").map(current::resolve);
            if (isRedirect(status) && location.isPresent()) {
                r.body().close();
                current = location.get();
                continue;
            }
            if (status >= 400 && status != 416) {
                r.body().close();
                throw statusError(r, what, current);
            }
            return r;
        }
        throw new IOException(what + ": more than " + MAX_REDIRECTS + " redirects from " + url);
    }

    private HttpRequest.Builder request(URI url, URI hub) {
        HttpRequest.Builder b = HttpRequest.newBuilder(url).timeout(timeout).header("User-Agent", USER_AGENT);
        if (token != null && sameHost(url, hub)) {
            b.header("Authorization", "Bearer " + token);
        }
        return b;
    }

    private <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler, URI url)
            throws IOException {
        try {
            return client.send(request, handler);
        } catch (ConnectException | HttpConnectTimeoutException e) {
            throw new HubUnreachableException("cannot connect to " + url.getScheme() + "://" + url.getAuthority()
                    + " (" + describe(e) + ")", e);
        } catch (HttpTimeoutException e) {
            throw new HubUnreachableException("no answer from " + url + " within " + timeout.toSeconds() + " s", e);
        } catch (java.nio.channels.UnresolvedAddressException | java.net.UnknownHostException e) {
            throw new HubUnreachableException("cannot resolve the host of " + url, e);
        } catch (IOException e) {
            if (e.getCause() instanceof java.nio.channels.UnresolvedAddressException
                    || e.getCause() instanceof ConnectException) {
                throw new HubUnreachableException("cannot connect to " + url.getScheme() + "://" + url.getAuthority()
                        + " (" + describe(e) + ")", e);
            }
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while waiting for " + url);
        }
    }

    private static String describe(Exception e) {
        return e.getMessage() != null ? e.getMessage() : e.getCause() != null && e.getCause().getMessage() != null
                ? e.getCause().getMessage() : e.getClass().getSimpleName();
    }

    private static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    /** Compares host names as huggingface_hub does (not ports). */
    static boolean sameHost(URI a, URI b) {
        return a.getHost() != null && b.getHost() != null
                && a.getHost().toLowerCase(Locale.ROOT).equals(b.getHost().toLowerCase(Locale.ROOT));
    }

    private static String errorCode(HttpResponse<?> r) {
        return r.headers().firstValue("X-Error-Code").orElse("");
    }

    private HubStatusException statusError(HttpResponse<?> r, String what, URI url) {
        int status = r.statusCode();
        String code = errorCode(r);
        String hubMessage = r.headers().firstValue("X-Error-Message").map(m -> " (\"" + m + "\")").orElse("");
        String meaning;
        if (status == 401 || status == 403 || code.equals("RepositoryNotFound") || code.equals("GatedRepo")) {
            meaning = code.equals("GatedRepo")
                    ? "the repository is gated: accept its conditions on the Hub, and set HF_TOKEN to a token of that account"
                    : token == null
                    ? "the repository does not exist, or it is private or gated and no token was given (set HF_TOKEN)"
                    : "the repository does not exist, or the token in HF_TOKEN has no access to it";
        } else if (code.equals("RevisionNotFound")) {
            meaning = "no such revision (branch, tag or commit)";
        } else if (status == 404) {
            meaning = "not found";
        } else if (status == 429) {
            meaning = "too many requests; wait and try again";
        } else {
            meaning = "the server failed";
        }
        return new HubStatusException(status, what + ": HTTP " + status + " from " + url + ": " + meaning + hubMessage);
    }
}
