package org.decoder4j.hub;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A response body read as an {@link InputStream} that gives up when no bytes arrive for a while:
 * the JDK's own {@code ofInputStream()} waits forever on a connection that stalls without
 * closing, which would hang a download instead of letting it resume.
 *
 * <pre>{@code
 * HttpResponse<InputStream> r = client.send(request, TimedBody.handler(Duration.ofSeconds(30)));
 * }</pre>
 */
final class TimedBody extends InputStream implements HttpResponse.BodySubscriber<InputStream> {

    private static final Object END = new Object();

    private final LinkedBlockingQueue<Object> chunks = new LinkedBlockingQueue<>();
    private final Duration stall;
    private Flow.Subscription subscription;
    private ByteBuffer current = ByteBuffer.allocate(0);
    private List<ByteBuffer> pending = List.of();
    private int nextInPending;
    private boolean ended;

    private TimedBody(Duration stall) {
        this.stall = stall;
    }

    /** A handler whose bodies fail after {@code stall} without a byte. */
    static HttpResponse.BodyHandler<InputStream> handler(Duration stall) {
        return info -> new TimedBody(stall);
    }

    @Override
    public CompletionStage<InputStream> getBody() {
        return CompletableFuture.completedStage(this);
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        s.request(1);
    }

    @Override
    public void onNext(List<ByteBuffer> item) {
        chunks.add(item);
    }

    @Override
    public void onError(Throwable error) {
        chunks.add(error);
    }

    @Override
    public void onComplete() {
        chunks.add(END);
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] into, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        while (!current.hasRemaining()) {
            if (ended) {
                return -1;
            }
            if (nextInPending < pending.size()) {
                current = pending.get(nextInPending++);
                continue;
            }
            Object next;
            try {
                next = chunks.poll(stall.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                close();
                throw new java.io.InterruptedIOException("interrupted while reading a download");
            }
            if (next == null) {
                close();
                throw new IOException("no bytes received for " + stall.toSeconds() + " s");
            }
            if (next == END) {
                ended = true;
            } else if (next instanceof Throwable t) {
                ended = true;
                throw t instanceof IOException io ? io : new IOException(t.getMessage(), t);
            } else {
                @SuppressWarnings("unchecked")
                List<ByteBuffer> list = (List<ByteBuffer>) next;
                pending = list;
                nextInPending = 0;
                subscription.request(1);
            }
        }
        int n = Math.min(length, current.remaining());
        current.get(into, offset, n);
        return n;
    }

    @Override
    public void close() {
        ended = true;
        if (subscription != null) {
            subscription.cancel();
        }
    }
}
