package org.perestroika.scheduler.http;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.function.DoubleSupplier;
import java.util.regex.Pattern;

/**
 * A small metrics registry: counters with labels, gauges read when scraped, and histograms with
 * fixed buckets, written in the Prometheus text exposition format 0.0.4. Thread-safe.
 *
 * <p>Families appear in the order they were registered, series in the order of their label values,
 * so that the output is stable.
 */
public final class Metrics {
  /** The Content-Type of {@link #exposition()}. */
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

  private final Map<String, Family> families = new LinkedHashMap<>();

  /** A counter whose series are told apart by the given labels (none for a single series). */
  public Counter counter(String name, String help, String... labelNames) {
    return register(new Counter(name, help, labelNames));
  }

  /** A gauge whose value is read from {@code value} at each scrape. */
  public void gauge(String name, String help, DoubleSupplier value) {
    register(new Gauge(name, help, value));
  }

  /**
   * A histogram with these upper bounds, strictly increasing and finite; the {@code +Inf} bucket is
   * implied.
   */
  public Histogram histogram(String name, String help, List<Double> buckets) {
    return register(new Histogram(name, help, buckets));
  }

  /** Every metric, in the text exposition format. */
  public String exposition() {
    List<Family> snapshot;
    synchronized (families) {
      snapshot = new ArrayList<>(families.values());
    }
    StringBuilder out = new StringBuilder();
    for (Family family : snapshot) {
      out.append("# HELP ").append(family.name).append(' ').append(escapeHelp(family.help));
      out.append('\n');
      out.append("# TYPE ").append(family.name).append(' ').append(family.type()).append('\n');
      family.write(out);
    }
    return out.toString();
  }

  private <F extends Family> F register(F family) {
    synchronized (families) {
      if (families.putIfAbsent(family.name, family) != null) {
        throw new IllegalArgumentException("metric " + family.name + " is registered already");
      }
    }
    return family;
  }

  /** One named metric with its help text and type. */
  private abstract static class Family {
    final String name;
    final String help;

    Family(String name, String help) {
      this.name = Objects.requireNonNull(name, "name");
      this.help = Objects.requireNonNull(help, "help");
      if (!METRIC_NAME.matcher(name).matches()) {
        throw new IllegalArgumentException("not a metric name: " + name);
      }
    }

    abstract String type();

    abstract void write(StringBuilder out);
  }

  /** A value that only goes up, one per combination of label values. */
  public static final class Counter extends Family {
    private final List<String> labelNames;
    private final Map<List<String>, DoubleAdder> series =
        new ConcurrentSkipListMap<>(Metrics::compareLabelValues);

    private Counter(String name, String help, String... labelNames) {
      super(name, help);
      this.labelNames = List.of(labelNames);
      for (String label : this.labelNames) {
        if (!LABEL_NAME.matcher(label).matches() || label.startsWith("__")) {
          throw new IllegalArgumentException("not a label name: " + label);
        }
      }
    }

    public void inc(String... labelValues) {
      add(1, labelValues);
    }

    /** Adds {@code amount}; adding 0 makes the series appear before its first event. */
    public void add(double amount, String... labelValues) {
      if (!(amount >= 0) || Double.isInfinite(amount)) {
        throw new IllegalArgumentException("a counter only goes up, by a finite amount: " + amount);
      }
      series.computeIfAbsent(key(labelValues), k -> new DoubleAdder()).add(amount);
    }

    public double value(String... labelValues) {
      DoubleAdder adder = series.get(key(labelValues));
      return adder == null ? 0 : adder.sum();
    }

    private List<String> key(String... labelValues) {
      if (labelValues.length != labelNames.size()) {
        throw new IllegalArgumentException(
            name + " takes values for " + labelNames + ", not " + Arrays.toString(labelValues));
      }
      for (String value : labelValues) {
        Objects.requireNonNull(value, "label value");
      }
      return List.of(labelValues);
    }

    @Override
    String type() {
      return "counter";
    }

    @Override
    void write(StringBuilder out) {
      series.forEach((values, adder) -> sample(out, name, labelNames, values, adder.sum()));
    }
  }

  /** A value read when scraped. */
  private static final class Gauge extends Family {
    private final DoubleSupplier value;

    private Gauge(String name, String help, DoubleSupplier value) {
      super(name, help);
      this.value = Objects.requireNonNull(value, "value");
    }

    @Override
    String type() {
      return "gauge";
    }

    @Override
    void write(StringBuilder out) {
      sample(out, name, List.of(), List.of(), value.getAsDouble());
    }
  }

  /** Counts of observations at or below each bucket's bound, with their sum. */
  public static final class Histogram extends Family {
    private final double[] bounds;
    private final long[] counts;
    private long count;
    private double sum;

    private Histogram(String name, String help, List<Double> buckets) {
      super(name, help);
      bounds = buckets.stream().mapToDouble(Double::doubleValue).toArray();
      if (bounds.length == 0) {
        throw new IllegalArgumentException(name + " needs at least one bucket");
      }
      for (int i = 0; i < bounds.length; i++) {
        if (!Double.isFinite(bounds[i]) || (i > 0 && bounds[i] <= bounds[i - 1])) {
          throw new IllegalArgumentException(
              name + " needs finite, strictly increasing buckets: " + buckets);
        }
      }
      counts = new long[bounds.length];
    }

    public void observe(double value) {
      if (Double.isNaN(value)) {
        throw new IllegalArgumentException(name + " cannot observe NaN");
      }
      synchronized (this) {
        for (int i = 0; i < bounds.length; i++) {
          if (value <= bounds[i]) {
            counts[i]++;
            break;
          }
        }
        count++;
        sum += value;
      }
    }

    @Override
    String type() {
      return "histogram";
    }

    @Override
    void write(StringBuilder out) {
      long[] countsNow;
      long countNow;
      double sumNow;
      // One consistent snapshot, so that the buckets add up to the count.
      synchronized (this) {
        countsNow = counts.clone();
        countNow = count;
        sumNow = sum;
      }
      long cumulative = 0;
      for (int i = 0; i < bounds.length; i++) {
        cumulative += countsNow[i];
        sample(out, name + "_bucket", List.of("le"), List.of(format(bounds[i])), cumulative);
      }
      sample(out, name + "_bucket", List.of("le"), List.of("+Inf"), countNow);
      sample(out, name + "_sum", List.of(), List.of(), sumNow);
      sample(out, name + "_count", List.of(), List.of(), countNow);
    }
  }

  private static void sample(
      StringBuilder out, String name, List<String> labels, List<String> values, double value) {
    out.append(name);
    if (!labels.isEmpty()) {
      out.append('{');
      for (int i = 0; i < labels.size(); i++) {
        if (i > 0) {
          out.append(',');
        }
        out.append(labels.get(i)).append("=\"").append(escapeLabel(values.get(i))).append('"');
      }
      out.append('}');
    }
    out.append(' ').append(format(value)).append('\n');
  }

  /** Whole numbers without a fraction, others as Java writes doubles, which Prometheus reads. */
  static String format(double value) {
    if (Double.isNaN(value)) {
      return "NaN";
    }
    if (Double.isInfinite(value)) {
      return value > 0 ? "+Inf" : "-Inf";
    }
    if (value == Math.rint(value) && Math.abs(value) < 1e15) {
      return Long.toString((long) value);
    }
    return Double.toString(value);
  }

  private static String escapeLabel(String value) {
    return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }

  private static String escapeHelp(String help) {
    return help.replace("\\", "\\\\").replace("\n", "\\n");
  }

  private static int compareLabelValues(List<String> a, List<String> b) {
    for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
      int order = a.get(i).compareTo(b.get(i));
      if (order != 0) {
        return order;
      }
    }
    return Integer.compare(a.size(), b.size());
  }
}
