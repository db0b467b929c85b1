package org.decoder4j.tensor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One reverse-mode pass over a recorded graph: each operation's {@link Backward} runs once, in
 * reverse topological order, on the sum of the gradients its consumers sent it, and leaf
 * parameters add what reaches them to their {@link Tensor#grad()}.
 *
 * <p>Memory: an operation's backward allocates in a {@link GradientScratch}, so its temporaries
 * are freed a few operations later rather than at the end of the step. Before the scratch is
 * reset, the gradients still waiting for their tensor are copied into buffers of their own, which
 * are closed as soon as that tensor has used them; gradients that arrive for a tensor already
 * holding one are added into it in place when that buffer is its own.
 */
final class BackwardPass {

    private static final Logger LOG = LoggerFactory.getLogger(BackwardPass.class);

    private final Map<Tensor, PendingGradient> pending = new IdentityHashMap<>();
    private GradientScratch scratch;
    private long copiedBytes;

    private BackwardPass() {
    }

    /** Backpropagates {@code gradOutput} (dL/d root, not modified) from {@code root}. */
    static void run(Tensor root, INDArray gradOutput) {
        new BackwardPass().propagate(root, gradOutput);
    }

    private void propagate(Tensor root, INDArray gradOutput) {
        List<Tensor> order = topologicalOrder(root);
        pending.put(root, PendingGradient.borrowed(gradOutput));
        try (GradientScratch opened = GradientScratch.open()) {
            scratch = opened;
            for (int n = order.size() - 1; n >= 0; n--) {
                Tensor node = order.get(n);
                PendingGradient g = pending.remove(node);
                if (g == null) {
                    continue;
                }
                try {
                    if (node.isLeaf()) {
                        node.accumulate(g.array());
                    } else {
                        send(node, g);
                        scratch.endOperation();
                    }
                } finally {
                    g.release();
                }
                if (scratch.resetDue()) {
                    evictScratch();
                    scratch.reset();
                }
            }
            if (LOG.isDebugEnabled()) {
                LOG.debug("backward pass over {} tensors: scratch reset {} times, {} bytes of waiting gradients "
                        + "copied out of it", order.size(), scratch.resets(), copiedBytes);
            }
        } finally {
            pending.values().forEach(PendingGradient::release);    // only left over when a backward threw
            pending.clear();
        }
    }

    /** Runs one operation's backward and hands each input its gradient. */
    private void send(Tensor node, PendingGradient g) {
        Tensor[] inputs = node.inputs();
        INDArray[] inputGrads = node.backwardFunction().apply(g.array());
        for (int i = 0; i < inputs.length; i++) {
            INDArray gi = inputGrads[i];
            if (!inputs[i].requiresGrad() || gi == null) {
                continue;
            }
            scratch.noteGradient(gi);
            add(inputs[i], g.classify(gi, scratch));
        }
    }

    /** Adds a gradient to what {@code input} has received so far. */
    private void add(Tensor input, PendingGradient incoming) {
        PendingGradient before = pending.get(input);
        if (before == null) {
            pending.put(input, incoming);
            return;
        }
        if (before.exclusive()) {
            before.array().addi(incoming.array());
        } else {
            pending.put(input, PendingGradient.scratch(before.array().add(incoming.array())));
            before.release();
        }
        incoming.release();
    }

    /** Copies the gradients still waiting in the scratch out of it, before it is reset. */
    private void evictScratch() {
        for (Map.Entry<Tensor, PendingGradient> entry : pending.entrySet()) {
            PendingGradient g = entry.getValue();
            if (g.kind() == PendingGradient.Kind.SCRATCH) {
                copiedBytes += g.array().length() * g.array().dataType().width();
                entry.setValue(PendingGradient.copyOf(g.array()));
            }
        }
    }

    /** Nodes that need a gradient, each after all of its inputs. */
    static List<Tensor> topologicalOrder(Tensor root) {
        List<Tensor> order = new ArrayList<>();
        Map<Tensor, Boolean> visited = new IdentityHashMap<>();
        Deque<Object[]> stack = new ArrayDeque<>();
        stack.push(new Object[] {root, 0});
        visited.put(root, Boolean.TRUE);
        while (!stack.isEmpty()) {
            Object[] frame = stack.peek();
            Tensor node = (Tensor) frame[0];
            int next = (Integer) frame[1];
            Tensor[] inputs = node.inputs();
            if (next < inputs.length) {
                frame[1] = next + 1;
                Tensor child = inputs[next];
                if (child.requiresGrad() && visited.put(child, Boolean.TRUE) == null) {
                    stack.push(new Object[] {child, 0});
                }
            } else {
                stack.pop();
                order.add(node);
            }
        }
        return order;
    }
}
