package io.realtime.redis.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import org.junit.jupiter.api.Test;

class CommandLanesTest {

  /** Keeps the tasks it is given until the test runs them; refuses them when told to. */
  private static final class ManualExecutor implements java.util.concurrent.Executor {
    final List<Runnable> tasks = new ArrayList<>();
    boolean refusing;

    @Override
    public void execute(Runnable task) {
      if (refusing) {
        throw new RejectedExecutionException("refused");
      }
      tasks.add(task);
    }

    void runAll() {
      while (!tasks.isEmpty()) {
        tasks.remove(0).run();
      }
    }
  }

  @Test
  void eachChannelsCommandsRunInTheOrderGivenOnAPoolOfThreads() {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      Map<String, List<Integer>> ran = new ConcurrentHashMap<>();
      CommandLanes<String> lanes =
          new CommandLanes<>(
              pool,
              10_000,
              batch ->
                  batch.forEach(
                      command -> {
                        String[] parts = command.split(":");
                        ran.computeIfAbsent(parts[0], c -> new CopyOnWriteArrayList<>())
                            .add(Integer.parseInt(parts[1]));
                      }));
      for (int i = 0; i < 2_000; i++) {
        lanes.execute("c" + (i % 3), "c" + (i % 3) + ":" + i);
      }

      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> ran.values().stream().mapToInt(List::size).sum() == 2_000);
      assertThat(ran.values()).allSatisfy(order -> assertThat(order).isSorted());
      await().atMost(Duration.ofSeconds(10)).until(() -> lanes.waiting() == 0);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void commandsBeyondTheBoundAreRefusedAtOnceAndAnIdleLaneIsDropped() {
    ManualExecutor executor = new ManualExecutor();
    List<List<String>> batches = new ArrayList<>();
    CommandLanes<String> lanes = new CommandLanes<>(executor, 2, batches::add);

    lanes.execute("c", "a");
    lanes.execute("c", "b");
    assertThatThrownBy(() -> lanes.execute("d", "x"))
        .isInstanceOf(RejectedExecutionException.class);
    assertThat(executor.tasks).as("one lane started, once").hasSize(1);

    executor.runAll();
    assertThat(batches).containsExactly(List.of("a", "b"));
    assertThat(lanes.waiting()).isZero();

    lanes.execute("c", "c");
    assertThat(executor.tasks).as("the idle lane was dropped: a new one starts").hasSize(1);
  }

  @Test
  void aLaneTheExecutorRefusesToStartLeavesNothingBehind() {
    ManualExecutor executor = new ManualExecutor();
    List<List<String>> batches = new ArrayList<>();
    CommandLanes<String> lanes = new CommandLanes<>(executor, 10, batches::add);
    executor.refusing = true;

    assertThatThrownBy(() -> lanes.execute("c", "a"))
        .isInstanceOf(RejectedExecutionException.class);
    assertThat(lanes.waiting()).isZero();

    executor.refusing = false;
    lanes.execute("c", "b");
    executor.runAll();
    assertThat(batches).containsExactly(List.of("b"));
  }
}
