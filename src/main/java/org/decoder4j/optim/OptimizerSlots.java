package org.decoder4j.optim;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.decoder4j.tensor.MemoryScope;
import org.decoder4j.tensor.ParameterBuffer;
import org.decoder4j.tensor.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The per-parameter state of an optimizer (moments, momentum buffers), named by slot.
 *
 * <p>When a group's parameters lie back to back in one {@link ParameterBuffer}, each slot of the
 * group is one flat array over the whole span (keyed by the group's first parameter) so an update
 * is a few native calls; otherwise each parameter has its own arrays. Either way the state is
 * exported per parameter, numbered over all groups in order as PyTorch's {@code state_dict}
 * does ({@code "3.exp_avg"}), so it can be restored whatever the layout.
 */
final class OptimizerSlots {

    private final List<ParameterGroup> groups;
    private final Map<Tensor, Map<String, INDArray>> byKey = new IdentityHashMap<>();

    OptimizerSlots(List<ParameterGroup> groups) {
        this.groups = groups;
    }

    /** The slot's array for {@code key}, or null when it was never set. */
    INDArray get(Tensor key, String slot) {
        Map<String, INDArray> slots = byKey.get(key);
        return slots == null ? null : slots.get(slot);
    }

    /** The slot's array for {@code key}, created as zeros shaped like {@code like} on first use. */
    INDArray zerosIfAbsent(Tensor key, String slot, INDArray like) {
        INDArray existing = get(key, slot);
        if (existing != null) {
            return existing;
        }
        INDArray created = MemoryScope.persistent(() -> Nd4j.zeros(like.dataType(), like.shape()));
        byKey.computeIfAbsent(key, k -> new HashMap<>()).put(slot, created);
        return created;
    }

    /** Stores a copy of {@code value} as the slot's array for {@code key}. */
    INDArray putCopy(Tensor key, String slot, INDArray value) {
        INDArray copy = MemoryScope.persistent(value::dup);
        byKey.computeIfAbsent(key, k -> new HashMap<>()).put(slot, copy);
        return copy;
    }

    /** Every slot of every parameter, as {@code "<index>.<slot>"} → array shaped as the parameter. */
    Map<String, INDArray> export() {
        Map<String, INDArray> out = new LinkedHashMap<>();
        int index = 0;
        for (ParameterGroup group : groups) {
            List<Tensor> params = group.parameters();
            INDArray[] span = ParameterBuffer.span(params);
            Map<String, INDArray> flat = span == null || params.isEmpty() ? null : byKey.get(params.get(0));
            long offset = 0;
            for (Tensor p : params) {
                long n = p.value().length();
                Map<String, INDArray> slots = flat != null && isFlat(flat, span[0]) ? flat : byKey.get(p);
                if (slots != null) {
                    for (Map.Entry<String, INDArray> e : slots.entrySet()) {
                        INDArray a = e.getValue();
                        INDArray view = slots == flat
                                ? a.get(NDArrayIndex.interval(offset, offset + n)).reshape('c', p.shape())
                                : a;
                        out.put(index + "." + e.getKey(), view);
                    }
                }
                offset += n;
                index++;
            }
        }
        return out;
    }

    /**
     * Replaces all state with {@code state} (as {@link #export} wrote it).
     *
     * @throws IllegalArgumentException if an entry names no parameter or has the wrong shape
     */
    void restore(Map<String, INDArray> state) {
        List<Tensor> all = new ArrayList<>();
        groups.forEach(g -> all.addAll(g.parameters()));
        for (String name : state.keySet()) {
            int dot = name.indexOf('.');
            int index = dot > 0 ? parseIndex(name.substring(0, dot)) : -1;
            if (index < 0 || index >= all.size()) {
                throw new IllegalArgumentException("optimizer state entry '" + name + "' names no parameter (there are "
                        + all.size() + ")");
            }
            long[] expected = all.get(index).shape();
            if (!java.util.Arrays.equals(expected, state.get(name).shape())) {
                throw new IllegalArgumentException("optimizer state entry '" + name + "' has shape "
                        + java.util.Arrays.toString(state.get(name).shape()) + ", the parameter has "
                        + java.util.Arrays.toString(expected));
            }
        }
        byKey.clear();
        int index = 0;
        for (ParameterGroup group : groups) {
            List<Tensor> params = group.parameters();
            INDArray[] span = ParameterBuffer.span(params);
            long offset = 0;
            for (Tensor p : params) {
                long n = p.value().length();
                String prefix = index + ".";
                for (Map.Entry<String, INDArray> e : state.entrySet()) {
                    if (!e.getKey().startsWith(prefix)) {
                        continue;
                    }
                    String slot = e.getKey().substring(prefix.length());
                    INDArray value = e.getValue().castTo(p.dataType());
                    if (span != null) {
                        INDArray flat = zerosIfAbsent(params.get(0), slot, span[0]);
                        flat.get(NDArrayIndex.interval(offset, offset + n)).assign(value.reshape(n));                   // flat, row-major
                    } else {
                        putCopy(p, slot, value);
                    }
                }
                offset += n;
                index++;
            }
        }
    }

    private static boolean isFlat(Map<String, INDArray> slots, INDArray spanValues) {
        return slots.values().stream().allMatch(a -> a.length() == spanValues.length() && a.rank() == 1);
    }

    private static int parseIndex(String s) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
