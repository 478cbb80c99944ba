/**
 * Seeded, realistic generated data for end-to-end runs ({@link io.quiver.bench.data.EventsDataset})
 * and the sink interface loaders implement. Chunks are heap arrays reused chunk after chunk.
 */
package io.quiver.bench.data;
