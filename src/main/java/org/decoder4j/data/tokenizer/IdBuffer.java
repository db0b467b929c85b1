package org.decoder4j.data.tokenizer;

import java.util.Arrays;

/**
 * A growable array of token ids, for building an encoding piece by piece.
 *
 * <pre>{@code
 * IdBuffer ids = new IdBuffer(64);
 * ids.add(tokenizer.encode("first document"));
 * ids.add(50256);
 * int[] all = ids.toArray();
 * }</pre>
 */
public final class IdBuffer {

    private int[] ids;
    private int size;

    /**
     * An empty buffer.
     *
     * @param capacity the ids it holds before it grows
     */
    public IdBuffer(int capacity) {
        this.ids = new int[Math.max(1, capacity)];
    }

    /**
     * Appends one id.
     *
     * @param id the id
     */
    public void add(int id) {
        if (size == ids.length) {
            ids = Arrays.copyOf(ids, 2 * ids.length);
        }
        ids[size++] = id;
    }

    /**
     * Appends ids.
     *
     * @param more the ids, in order
     */
    public void add(int[] more) {
        if (size + more.length > ids.length) {
            ids = Arrays.copyOf(ids, Math.max(2 * ids.length, size + more.length));
        }
        System.arraycopy(more, 0, ids, size, more.length);
        size += more.length;
    }

    /**
     * How many ids were added.
     *
     * @return the count
     */
    public int size() {
        return size;
    }

    /**
     * The ids added, in order.
     *
     * @return a new array
     */
    public int[] toArray() {
        return Arrays.copyOf(ids, size);
    }
}
