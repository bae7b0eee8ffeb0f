package io.realtime.benchmarks.load;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.VectorGraphicsEncoder.VectorGraphicsFormat;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;

/**
 * The results people would rather look at than read, drawn as SVG beside the JSON report by
 * XChart's {@link VectorGraphicsEncoder}: fan-out deliveries per second and CPU per delivery for
 * each system, the p99 of each latency scenario for each system, and the knee: p99 against the
 * event rate, one line per system. The soak draws its own lines with {@link #lines}. A chart
 * without data is not drawn.
 */
final class Charts {

  private record FanOutChart(String suffix, String title, String axis, String key) {}

  private static final List<FanOutChart> FAN_OUT_CHARTS =
      List.of(
          new FanOutChart(
              "throughput",
              "delivered messages per second (more is better)",
              "delivered msg/s",
              "delivered_per_second"),
          new FanOutChart(
              "cpu",
              "server CPU seconds per million deliveries (less is better)",
              "CPU s / 1M deliveries",
              "cpu_seconds_per_million"));

  private static final List<String> LATENCY_SCENARIOS =
      List.of("latency", "overload", "slow-consumers");

  private final Map<String, Map<String, Map<String, Object>>> results;
  private final List<String> systems;

  Charts(Map<String, Map<String, Map<String, Object>>> results, List<String> systems) {
    this.results = results;
    this.systems = systems;
  }

  /**
   * Writes the charts beside {@code json}, named after it.
   *
   * @return the files written
   */
  List<Path> write(Path json) throws IOException {
    String base = json.getFileName().toString().replaceFirst("\\.json$", "");
    List<Path> written = new ArrayList<>();
    for (FanOutChart fanOut : FAN_OUT_CHARTS) {
      save(
          bars(
              "fan-out: " + fanOut.title(),
              fanOut.axis(),
              Map.of(fanOut.axis(), series("fan-out", fanOut.key()))),
          json.resolveSibling(base + "-fan-out-" + fanOut.suffix() + ".svg"),
          written);
    }
    Map<String, Map<String, Number>> p99 = new LinkedHashMap<>();
    for (String scenario : LATENCY_SCENARIOS) {
      String key = scenario.equals("slow-consumers") ? "baseline_p99_ms" : "p99_ms";
      Map<String, Number> values = series(scenario, key);
      if (!values.isEmpty()) {
        p99.put(scenario + " @ " + rate(scenario) + " events/s", values);
      }
    }
    save(
        bars("p99 latency, publish to receive (less is better)", "p99 ms", p99),
        json.resolveSibling(base + "-latency-p99.svg"),
        written);
    save(kneeChart(), json.resolveSibling(base + "-knee.svg"), written);
    return written;
  }

  /** p99 against rate, one line per system, with the 50 ms limit; both axes logarithmic. */
  private XYChart kneeChart() {
    Map<String, List<double[]>> curves = new LinkedHashMap<>();
    double lowest = Double.MAX_VALUE;
    double highest = 0;
    for (String system : systems) {
      Object curve =
          results.getOrDefault("knee", Map.of()).getOrDefault(system, Map.of()).get("curve");
      List<double[]> points = new ArrayList<>();
      if (curve instanceof List<?> steps) {
        for (Object step : steps) {
          if (step instanceof Map<?, ?> point
              && point.get("events_per_second") instanceof Number rate
              && point.get("p99_ms") instanceof Number p99
              && p99.doubleValue() > 0) {
            points.add(new double[] {rate.doubleValue(), p99.doubleValue()});
            lowest = Math.min(lowest, rate.doubleValue());
            highest = Math.max(highest, rate.doubleValue());
          }
        }
      }
      if (!points.isEmpty()) {
        curves.put(system, points);
      }
    }
    if (curves.isEmpty()) {
      return null;
    }
    if (highest > lowest) {
      curves.put(
          "p99 limit " + (int) Curves.P99_LIMIT_MS + " ms",
          List.of(
              new double[] {lowest, Curves.P99_LIMIT_MS},
              new double[] {highest, Curves.P99_LIMIT_MS}));
    }
    XYChart chart =
        lines(
            "knee: p99 against event rate, 2 instances via Redis (less is better)",
            "events/s (each to every client)",
            "p99 ms",
            curves);
    chart.getStyler().setXAxisLogarithmic(true);
    chart.getStyler().setYAxisLogarithmic(true);
    return chart;
  }

  /**
   * A line chart, one line per named series of (x, y) points.
   *
   * @param series name to points, in the order drawn
   * @return the chart
   */
  static XYChart lines(
      String title, String xAxis, String yAxis, Map<String, List<double[]>> series) {
    XYChart chart =
        new XYChartBuilder()
            .width(800)
            .height(450)
            .title(title)
            .xAxisTitle(xAxis)
            .yAxisTitle(yAxis)
            .build();
    chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
    chart.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
    chart.getStyler().setYAxisDecimalPattern("#,##0.##");
    series.forEach(
        (name, points) ->
            chart.addSeries(
                name,
                points.stream().mapToDouble(p -> p[0]).toArray(),
                points.stream().mapToDouble(p -> p[1]).toArray()));
    return chart;
  }

  /** Each system's number for one metric; systems without one are left out. */
  private Map<String, Number> series(String scenario, String key) {
    Map<String, Number> values = new LinkedHashMap<>();
    for (String system : systems) {
      Object value =
          results.getOrDefault(scenario, Map.of()).getOrDefault(system, Map.of()).get(key);
      if (value instanceof Number number) {
        values.put(system, number);
      }
    }
    return values;
  }

  private Object rate(String scenario) {
    for (Map<String, Object> system : results.getOrDefault(scenario, Map.of()).values()) {
      if (system.get("events_per_second") != null) {
        return system.get("events_per_second");
      }
    }
    return "?";
  }

  /**
   * A bar chart, systems along the x axis, one bar per series; only systems with a value in every
   * series, null when there are none.
   */
  private CategoryChart bars(String title, String yAxis, Map<String, Map<String, Number>> series) {
    List<String> shown = new ArrayList<>(systems);
    series.values().forEach(values -> shown.retainAll(values.keySet()));
    if (series.isEmpty() || shown.isEmpty()) {
      return null;
    }
    CategoryChart chart =
        new CategoryChartBuilder()
            .width(800)
            .height(450)
            .title(title)
            .xAxisTitle("system")
            .yAxisTitle(yAxis)
            .build();
    chart.getStyler().setLegendVisible(series.size() > 1);
    chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
    chart.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
    chart.getStyler().setLabelsVisible(true);
    chart.getStyler().setYAxisDecimalPattern("#,##0.##");
    series.forEach(
        (name, values) -> chart.addSeries(name, shown, shown.stream().map(values::get).toList()));
    return chart;
  }

  /** Saves a chart as SVG and adds the file to {@code written}; a null chart is skipped. */
  static void save(Chart<?, ?> chart, Path file, List<Path> written) throws IOException {
    if (chart != null) {
      VectorGraphicsEncoder.saveVectorGraphic(chart, file.toString(), VectorGraphicsFormat.SVG);
      written.add(file);
    }
  }
}
