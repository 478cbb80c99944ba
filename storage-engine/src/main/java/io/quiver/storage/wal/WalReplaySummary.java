package io.quiver.storage.wal;

/**
 * What {@link WalReader#replay} did.
 *
 * @param recordsReplayed records handed to the handler (seq {@code > afterSeq})
 * @param recordsSkipped  good records with seq {@code <= afterSeq}
 * @param lastSeq         highest seq of a good record found, or -1 when the WAL holds none
 * @param nextSeq         the seq to open the {@link WalWriter} with: above every seq ever written
 *                        to a file still present, and above {@code afterSeq}
 * @param truncatedBytes  bytes cut off torn or corrupt tails, including deleted files
 * @param filesDeleted    WAL files deleted because they followed a corrupt record
 * @param corruptionFound whether a torn or corrupt record or header was found
 */
public record WalReplaySummary(long recordsReplayed, long recordsSkipped, long lastSeq, long nextSeq,
                               long truncatedBytes, int filesDeleted, boolean corruptionFound) {
}
