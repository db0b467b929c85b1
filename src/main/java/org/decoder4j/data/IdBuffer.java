package org.decoder4j.data;

import java.util.Arrays;

/** A growable array of token ids, for building an encoding piece by piece. */
final class IdBuffer {

    private int[] ids;
    private int size;

    IdBuffer(int capacity) {
        this.ids = new int[Math.max(1, capacity)];
    }

    void add(int id) {
        if (size == ids.length) {
            ids = Arrays.copyOf(ids, 2 * ids.length);
        }
        ids[size++] = id;
    }

    void add(int[] more) {
        if (size + more.length > ids.length) {
            ids = Arrays.copyOf(ids, Math.max(2 * ids.length, size + more.length));
        }
        System.arraycopy(more, 0, ids, size, more.length);
        size += more.length;
    }

    int size() {
        return size;
    }

    int[] toArray() {
        return Arrays.copyOf(ids, size);
    }
}
