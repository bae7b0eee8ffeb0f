/**
 * JMH benchmarks. Each compares the library against a baseline measured in the same run, so that
 * results are read as ratios on noisy machines. Run: {@code java -jar
 * benchmarks/target/benchmarks.jar NAME}.
 */
package io.realtime.benchmarks;
