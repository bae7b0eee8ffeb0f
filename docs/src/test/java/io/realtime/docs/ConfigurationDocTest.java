package io.realtime.docs;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.realtime.connection.DeliveryPolicy;
import io.realtime.message.MessageTypes;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Keeps {@code configuration.md} and the builders in step, in both directions.
 *
 * <p><b>The convention.</b> Each builder's options are one Markdown table in {@code
 * configuration.md} whose first header cell is {@code option}, preceded (on an earlier line, with
 * only blank lines or prose in between and no other table) by a marker naming the builder's
 * canonical class name:
 *
 * <pre>{@code <!-- options: io.realtime.transport.InMemoryTransport.Builder -->}</pre>
 *
 * <p>The options of a row are the code spans of its first cell: {@code name(arguments)} (the
 * arguments are names or types, separated by top-level commas) or a bare {@code name}. The
 * JavaScript client's table is marked {@code <!-- options: realtime-client.js -->}; its options are
 * bare names.
 *
 * <p><b>The rules.</b>
 *
 * <ol>
 *   <li>Every option of a marked table exists: the builder has a public method of that name, and,
 *       when the span has parentheses, one with that many parameters. A JavaScript option is read
 *       by the client's constructor ({@code options.name}).
 *   <li>Every public builder option is named in its builder's table (or in the table of the
 *       superclass that declares it). A public builder is a public class named {@code Builder} or
 *       {@code *Builder} (every enclosing class public too) in an API package (no {@code internal}
 *       segment) of the library's published modules, the test kit included; its options are its
 *       public instance methods that return the builder (its setters). Exempt: {@code build()} and
 *       other terminal methods (they return something else), {@code Object}'s methods, and methods
 *       marked {@link Deprecated} (the old {@code withX} spellings, kept as aliases until 1.0).
 *       Every option the JavaScript client's constructor reads is named in its table.
 *   <li>Every table of {@code configuration.md} whose first header cell is {@code option} is
 *       marked, so none escapes rule 1.
 * </ol>
 */
class ConfigurationDocTest {

  private static final Path CONFIGURATION = MarkdownBlocks.DOCS.resolve("configuration.md");
  private static final Path JS_CLIENT =
      MarkdownBlocks.DOCS.resolve(
          "../realtime-jakarta-ws/src/main/resources/META-INF/resources/realtime/realtime-client.js");
  private static final String JS_MARKER = "realtime-client.js";
  private static final Pattern MARKER = Pattern.compile("^<!--\\s*options:\\s*(\\S+)\\s*-->\\s*$");
  private static final Pattern CODE_SPAN = Pattern.compile("`([^`]+)`");
  private static final Pattern OPTION = Pattern.compile("^([A-Za-z_$][\\w$]*)(?:\\((.*)\\))?$");
  private static final Pattern JS_OPTION = Pattern.compile("\\boptions\\.([A-Za-z_$][\\w$]*)");

  /**
   * One option named in the doc.
   *
   * @param name the method name
   * @param arity the number of parameters, or -1 when the span names no parameters
   * @param line the line of the doc
   */
  record Option(String name, int arity, int line) {}

  @Test
  void everyOptionNamedInTheReferenceExists() throws IOException {
    Map<String, Class<?>> builders = publicBuilders();
    List<String> errors = new ArrayList<>();
    for (Map.Entry<String, List<Option>> table : markedTables().entrySet()) {
      if (table.getKey().equals(JS_MARKER)) {
        Set<String> read = jsOptions();
        for (Option option : table.getValue()) {
          if (!read.contains(option.name())) {
            errors.add(
                "configuration.md:"
                    + option.line()
                    + ": realtime-client.js reads no option "
                    + option.name());
          }
        }
        continue;
      }
      Class<?> builder = builders.get(table.getKey());
      if (builder == null) {
        errors.add("configuration.md: the marker names " + table.getKey() + ", no public builder");
        continue;
      }
      for (Option option : table.getValue()) {
        boolean exists = false;
        for (Method method : builder.getMethods()) {
          if (method.getName().equals(option.name())
              && (option.arity() < 0 || method.getParameterCount() == option.arity())) {
            exists = true;
          }
        }
        if (!exists) {
          errors.add(
              "configuration.md:"
                  + option.line()
                  + ": "
                  + builder.getCanonicalName()
                  + " has no public "
                  + option.name()
                  + (option.arity() < 0 ? "" : " with " + option.arity() + " parameter(s)"));
        }
      }
    }
    assertThat(errors).as("options the reference names that the code lacks").isEmpty();
  }

  @Test
  void everyPublicBuilderOptionIsNamedInTheReference() throws IOException {
    Map<String, List<Option>> tables = markedTables();
    List<String> missing = new ArrayList<>();
    for (Class<?> builder : publicBuilders().values()) {
      for (Method method : builder.getMethods()) {
        if (!isOption(builder, method)) {
          continue;
        }
        if (!namedFor(builder, method.getName(), tables)) {
          missing.add(builder.getCanonicalName() + "." + method.getName());
        }
      }
    }
    Set<String> named = new LinkedHashSet<>();
    tables.getOrDefault(JS_MARKER, List.of()).forEach(option -> named.add(option.name()));
    for (String option : jsOptions()) {
      if (!named.contains(option)) {
        missing.add("realtime-client.js options." + option);
      }
    }
    assertThat(new TreeSet<>(missing))
        .as("builder options configuration.md does not name")
        .isEmpty();
  }

  @Test
  void everyOptionTableOfTheReferenceIsMarked() throws IOException {
    List<String> lines = Files.readAllLines(CONFIGURATION);
    List<String> unmarked = new ArrayList<>();
    String marker = null;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      Matcher m = MARKER.matcher(line);
      if (m.matches()) {
        marker = m.group(1);
      } else if (isTableStart(lines, i)) {
        if (firstCell(line).equals("option") && marker == null) {
          unmarked.add("configuration.md:" + (i + 1));
        }
        marker = null;
        while (i + 1 < lines.size() && lines.get(i + 1).strip().startsWith("|")) {
          i++;
        }
      }
    }
    assertThat(unmarked).as("option tables without an options marker").isEmpty();
  }

  /**
   * The types the reference says pass every subscription filter are exactly those the default
   * delivery policy lets through: every other type, status messages included, is filtered.
   */
  @Test
  void theTypesThatIgnoreSubscriptionsAreTheDefaultPolicys() throws Exception {
    String row =
        Files.readAllLines(CONFIGURATION).stream()
            .filter(line -> line.startsWith("| `ignoresSubscriptions(type, boolean)`"))
            .findFirst()
            .orElseThrow();
    String unfiltered = row.split("\\|")[2];
    unfiltered = unfiltered.substring(0, unfiltered.indexOf("`false`"));
    Set<String> documented = new TreeSet<>();
    Matcher spans = CODE_SPAN.matcher(unfiltered);
    while (spans.find()) {
      if (!spans.group(1).equals("true")) {
        documented.add(spans.group(1));
      }
    }
    Set<String> actual = new TreeSet<>();
    for (Field field : MessageTypes.class.getFields()) {
      if (field.getType() == String.class
          && DeliveryPolicy.defaults().ignoresSubscriptions((String) field.get(null))) {
        actual.add((String) field.get(null));
      }
    }
    assertThat(documented).isEqualTo(actual);
    assertThat(actual)
        .doesNotContain(
            MessageTypes.SYSTEM_STATUS,
            MessageTypes.PERFORMANCE_UPDATE,
            MessageTypes.CIRCUIT_BREAKER_UPDATE,
            MessageTypes.JOB_END);
  }

  /** The rule's definition of an option: a public setter, not deprecated, returning the builder. */
  private static boolean isOption(Class<?> builder, Method method) {
    return !Modifier.isStatic(method.getModifiers())
        && !method.isBridge()
        && !method.isSynthetic()
        && method.getDeclaringClass() != Object.class
        && !method.isAnnotationPresent(Deprecated.class)
        && method.getReturnType().isAssignableFrom(builder);
  }

  /** Named in the table of the builder, or of the superclass that declares the method. */
  private static boolean namedFor(Class<?> builder, String name, Map<String, List<Option>> tables) {
    for (Class<?> c = builder; c != null && c != Object.class; c = c.getSuperclass()) {
      for (Option option : tables.getOrDefault(c.getCanonicalName(), List.of())) {
        if (option.name().equals(name)) {
          return true;
        }
      }
    }
    return false;
  }

  /** The marked tables of configuration.md: the marker's name and the table's options. */
  static Map<String, List<Option>> markedTables() throws IOException {
    List<String> lines = Files.readAllLines(CONFIGURATION);
    Map<String, List<Option>> tables = new LinkedHashMap<>();
    String marker = null;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      Matcher m = MARKER.matcher(line);
      if (m.matches()) {
        if (marker != null) {
          throw new IllegalStateException(
              "configuration.md:" + (i + 1) + ": a marker before the previous one's table");
        }
        marker = m.group(1);
        continue;
      }
      if (!isTableStart(lines, i)) {
        continue;
      }
      List<Option> options = new ArrayList<>();
      i += 2; // the header and the delimiter row
      while (i < lines.size() && lines.get(i).strip().startsWith("|")) {
        if (marker != null) {
          options.addAll(options(firstCell(lines.get(i).strip()), i + 1));
        }
        i++;
      }
      if (marker != null) {
        if (tables.containsKey(marker)) {
          throw new IllegalStateException("configuration.md: two tables marked " + marker);
        }
        tables.put(marker, options);
        marker = null;
      }
    }
    if (marker != null) {
      throw new IllegalStateException("configuration.md: the marker " + marker + " has no table");
    }
    return tables;
  }

  private static boolean isTableStart(List<String> lines, int i) {
    return lines.get(i).strip().startsWith("|")
        && (i == 0 || !lines.get(i - 1).strip().startsWith("|"))
        && i + 1 < lines.size()
        && lines.get(i + 1).strip().matches("\\|[\\s:|-]+\\|");
  }

  private static String firstCell(String row) {
    int end = row.indexOf('|', 1);
    while (end > 0 && inCodeSpan(row, end)) {
      end = row.indexOf('|', end + 1);
    }
    return (end < 0 ? row.substring(1) : row.substring(1, end)).strip();
  }

  private static boolean inCodeSpan(String row, int index) {
    int ticks = 0;
    for (int i = 0; i < index; i++) {
      if (row.charAt(i) == '`') {
        ticks++;
      }
    }
    return ticks % 2 == 1;
  }

  private static List<Option> options(String cell, int line) {
    List<Option> options = new ArrayList<>();
    Matcher spans = CODE_SPAN.matcher(cell);
    while (spans.find()) {
      Matcher option = OPTION.matcher(spans.group(1).strip());
      if (!option.matches()) {
        throw new IllegalStateException(
            "configuration.md:" + line + ": not an option: `" + spans.group(1) + "`");
      }
      options.add(new Option(option.group(1), arity(option.group(2)), line));
    }
    return options;
  }

  /** The parameters in a span's parentheses, split on commas outside {@code <>}. */
  private static int arity(String arguments) {
    if (arguments == null) {
      return -1;
    }
    if (arguments.isBlank()) {
      return 0;
    }
    int depth = 0;
    int count = 1;
    for (char c : arguments.toCharArray()) {
      if (c == '<') {
        depth++;
      } else if (c == '>') {
        depth--;
      } else if (c == ',' && depth == 0) {
        count++;
      }
    }
    return count;
  }

  /** What the JavaScript client's constructor reads from its options. */
  private static Set<String> jsOptions() throws IOException {
    Set<String> read = new TreeSet<>();
    Matcher m = JS_OPTION.matcher(Files.readString(JS_CLIENT));
    while (m.find()) {
      read.add(m.group(1));
    }
    assertThat(read).as("options read by realtime-client.js").contains("apiKey", "token");
    return read;
  }

  /**
   * The public builders of the library's main classes on this module's class path, by canonical
   * name.
   */
  static Map<String, Class<?>> publicBuilders() {
    Map<String, Class<?>> builders = new TreeMap<>();
    for (JavaClass javaClass :
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.realtime")) {
      String name = javaClass.getName();
      if (name.contains(".internal.") || !javaClass.getSimpleName().endsWith("Builder")) {
        continue;
      }
      Class<?> type;
      try {
        type = Class.forName(name, false, ConfigurationDocTest.class.getClassLoader());
      } catch (ClassNotFoundException e) {
        throw new IllegalStateException(e);
      }
      if (isPublicAllTheWay(type)) {
        builders.put(type.getCanonicalName(), type);
      }
    }
    assertThat(builders)
        .as("public builders found")
        .containsKey("io.realtime.connection.ConnectionRegistryBuilder");
    return builders;
  }

  private static boolean isPublicAllTheWay(Class<?> type) {
    for (Class<?> c = type; c != null; c = c.getEnclosingClass()) {
      if (!Modifier.isPublic(c.getModifiers())) {
        return false;
      }
    }
    return true;
  }
}
