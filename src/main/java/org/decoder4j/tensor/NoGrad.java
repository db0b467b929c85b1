package org.decoder4j.tensor;

/**
 * A scope in which operations record no autograd graph, as PyTorch's {@code torch.no_grad()}.
 *
 * <pre>{@code
 * try (NoGrad ignored = NoGrad.enter()) {
 *     Tensor logits = model.forward(inputs);   // no graph, no saved activations
 * }
 * }</pre>
 */
public final class NoGrad implements AutoCloseable {

    private static final ThreadLocal<Integer> DEPTH = ThreadLocal.withInitial(() -> 0);

    private boolean closed;

    private NoGrad() {
    }

    /**
     * Enters a no-grad scope on this thread; scopes nest.
     *
     * @return the scope, to be closed
     */
    public static NoGrad enter() {
        DEPTH.set(DEPTH.get() + 1);
        return new NoGrad();
    }

    /**
     * Whether gradients are being recorded on this thread.
     *
     * @return false inside a no-grad scope
     */
    public static boolean isGradEnabled() {
        return DEPTH.get() == 0;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            DEPTH.set(DEPTH.get() - 1);
        }
    }
}
