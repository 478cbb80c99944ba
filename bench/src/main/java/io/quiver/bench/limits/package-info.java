/**
 * Machine ceilings a scan is compared with: memory bandwidth (long[] sum, memcpy), CRC32C and the
 * LZ4 safe decompressor. All data is on the heap, allocated per measurement and dropped after.
 */
package io.quiver.bench.limits;
