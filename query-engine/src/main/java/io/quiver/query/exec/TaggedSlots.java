package io.quiver.query.exec;

/**
 * Open-addressing slots shared by {@link GroupTable} and {@link ByteDictionary}: a slot is
 * {@link #EMPTY} or an id (in {@link ByteDictionary}, the arena position of the entry) in its low
 * 32 bits under the top 32 bits of the id's hash, so a probe rejects nearly every other entry
 * without loading that entry's record.
 */
final class TaggedSlots {
    static final long EMPTY = -1L;
    static final long TAG = 0xFFFFFFFF00000000L;

    private TaggedSlots() {
    }

    static long entry(long hash, int id) {
        return (hash & TAG) | id;
    }

    /**
     * The first slot on {@code hash}'s linear probe path that is empty or carries its tag: the only
     * entry a repeated key (when not displaced by a tag collision) needs to be compared with.
     */
    static long candidate(long[] slots, int mask, long hash) {
        int s = (int) hash & mask;
        long e;
        while ((e = slots[s]) != EMPTY && ((e ^ hash) & TAG) != 0) {
            s = (s + 1) & mask;
        }
        return e;
    }
}
