/**
 * JMH micro-benchmarks, one class per subject, named {@code <Subject>Benchmark}, and
 * {@link io.quiver.bench.jmh.JmhCommand}, which runs them with the project's JVM flags. Benchmarks
 * own their state objects (set up and torn down per trial); nothing here is shared across forks.
 */
package io.quiver.bench.jmh;
