package io.quiver.query.exec;

import java.util.Arrays;

/** Distinct byte strings to dense ids, open addressing, no allocation per lookup. */
final class ByteDictionary {
    private byte[] data;
    private int dataLength;
    private int[] offsets;
    private long[] hashes;
    private int size;
    private int[] slots;
    private int mask;

    ByteDictionary() {
        this(64);
    }

    /** A dictionary sized for about {@code entries} strings before it grows (small for per-group sets). */
    ByteDictionary(int entries) {
        int n = Integer.highestOneBit(Math.max(2, entries - 1) * 2);
        data = new byte[n * 16];
        offsets = new int[n + 1];
        hashes = new long[n];
        slots = new int[n * 2];
        mask = slots.length - 1;
        Arrays.fill(slots, -1);
    }

    int size() {
        return size;
    }

    long bytes() {
        return data.length + offsets.length * 4L + hashes.length * 8L + slots.length * 4L;
    }

    /** The id of the string, adding it when new. */
    int intern(byte[] b, int from, int to) {
        long h = Values.hashBytes(b, from, to);
        int s = (int) h & mask;
        while (true) {
            int id = slots[s];
            if (id < 0) {
                return add(b, from, to, h, s);
            }
            if (hashes[id] == h && Arrays.equals(data, offsets[id], offsets[id + 1], b, from, to)) {
                return id;
            }
            s = (s + 1) & mask;
        }
    }

    private int add(byte[] b, int from, int to, long h, int slot) {
        int len = to - from;
        if (dataLength + len > data.length) {
            data = Arrays.copyOf(data, Math.max(data.length * 2, dataLength + len));
        }
        System.arraycopy(b, from, data, dataLength, len);
        if (size + 2 > offsets.length || size >= hashes.length) {
            offsets = Arrays.copyOf(offsets, Math.max(offsets.length * 2, size + 2));
            hashes = Arrays.copyOf(hashes, Math.max(hashes.length * 2, size + 1));
        }
        offsets[size] = dataLength;
        dataLength += len;
        offsets[size + 1] = dataLength;
        hashes[size] = h;
        slots[slot] = size;
        size++;
        if (size * 2 > slots.length) {
            rehash();
        }
        return size - 1;
    }

    private void rehash() {
        slots = new int[slots.length * 2];
        Arrays.fill(slots, -1);
        mask = slots.length - 1;
        for (int id = 0; id < size; id++) {
            int s = (int) hashes[id] & mask;
            while (slots[s] >= 0) {
                s = (s + 1) & mask;
            }
            slots[s] = id;
        }
    }

    byte[] data() {
        return data;
    }

    int start(int id) {
        return offsets[id];
    }

    int end(int id) {
        return offsets[id + 1];
    }
}
