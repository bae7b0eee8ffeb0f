package io.realtime.docs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.realtime.connection.CloseReason;
import io.realtime.message.MessageCodec;
import io.realtime.message.MessageTypes;
import java.io.File;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keeps the documentation honest: every {@code java} block compiles against the library, every
 * {@code js} block passes {@code node --check}, and every {@code json} block parses; in the wire
 * protocol reference, every server message decodes with the library's own codec.
 */
class DocsSnippetsTest {

  private static final Pattern TYPE_DECLARATION =
      Pattern.compile(
          "^(?:public\\s+|final\\s+|abstract\\s+|sealed\\s+)*(class|record|interface|enum)\\s+(\\w+)",
          Pattern.MULTILINE);
  private static final Set<String> CLIENT_TYPES = Set.of("subscribe", "unsubscribe", "resync");

  @TempDir Path work;

  @Test
  void everyJavaSnippetCompiles() throws IOException {
    List<MarkdownBlocks.Block> blocks = MarkdownBlocks.all("java");
    assertThat(blocks).as("java snippets in the docs").hasSizeGreaterThan(5);
    Map<String, MarkdownBlocks.Block> sources = new HashMap<>();
    List<File> files = new ArrayList<>();
    for (int i = 0; i < blocks.size(); i++) {
      MarkdownBlocks.Block block = blocks.get(i);
      String pkg = "snippets.s" + i;
      Path file =
          work.resolve("src").resolve(pkg.replace('.', '/')).resolve(className(block) + ".java");
      Files.createDirectories(file.getParent());
      Files.writeString(file, unit(pkg, block));
      sources.put(file.toAbsolutePath().toString(), block);
      files.add(file.toFile());
    }

    JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    Path classes = Files.createDirectories(work.resolve("classes"));
    try (StandardJavaFileManager manager =
        compiler.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8)) {
      compiler
          .getTask(
              null,
              manager,
              diagnostics,
              List.of(
                  "-proc:none",
                  "--release",
                  "17",
                  "-classpath",
                  System.getProperty("java.class.path"),
                  "-d",
                  classes.toString()),
              null,
              manager.getJavaFileObjectsFromFiles(files))
          .call();
    }
    List<String> errors = new ArrayList<>();
    for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
      if (d.getKind() == Diagnostic.Kind.ERROR) {
        MarkdownBlocks.Block block =
            d.getSource() == null ? null : sources.get(Path.of(d.getSource().toUri()).toString());
        errors.add(
            (block == null ? "?" : block.where())
                + " (snippet line "
                + d.getLineNumber()
                + "): "
                + d.getMessage(Locale.ROOT));
      }
    }
    assertThat(errors).as("compile errors in docs snippets").isEmpty();
  }

  /** A block with a type declaration is a compilation unit; any other is a method body. */
  private static String unit(String pkg, MarkdownBlocks.Block block) {
    StringBuilder imports = new StringBuilder();
    StringBuilder body = new StringBuilder();
    for (String line : block.code().split("\n", -1)) {
      (line.startsWith("import ") ? imports : body).append(line).append('\n');
    }
    String header = "package " + pkg + ";\n" + imports;
    if (TYPE_DECLARATION.matcher(body).find()) {
      return header + body;
    }
    return header
        + "class "
        + className(block)
        + " {\n  @SuppressWarnings(\"unused\")\n  void snippet() throws Exception {\n"
        + body
        + "\n  }\n}\n";
  }

  private static String className(MarkdownBlocks.Block block) {
    Matcher type = TYPE_DECLARATION.matcher(block.code());
    return type.find() ? type.group(2) : "Snippet";
  }

  @Test
  void everyJavaScriptSnippetIsValidModuleSyntax() throws Exception {
    List<MarkdownBlocks.Block> blocks = MarkdownBlocks.all("js");
    assertThat(blocks).as("js snippets in the docs").isNotEmpty();
    List<String> errors = new ArrayList<>();
    for (MarkdownBlocks.Block block : blocks) {
      Path file = Files.createTempFile(work, "snippet-", ".mjs");
      Files.writeString(file, block.code());
      Process node;
      try {
        node =
            new ProcessBuilder("node", "--check", file.toString())
                .redirectErrorStream(true)
                .start();
      } catch (IOException e) {
        throw new IllegalStateException("node is missing: install Node.js (.ci/run does)", e);
      }
      String output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(node.waitFor(30, TimeUnit.SECONDS)).isTrue();
      if (node.exitValue() != 0) {
        errors.add(block.where() + ": " + output);
      }
    }
    assertThat(errors).as("syntax errors in docs JavaScript").isEmpty();
  }

  @Test
  void everyJsonExampleParsesAndEveryServerMessageDecodes() throws IOException {
    ObjectMapper json = new ObjectMapper();
    MessageCodec codec = MessageCodec.json();
    List<String> errors = new ArrayList<>();
    for (MarkdownBlocks.Block block : MarkdownBlocks.all("json")) {
      JsonNode node;
      try {
        node = json.readTree(block.code());
      } catch (IOException e) {
        errors.add(block.where() + ": " + e.getMessage());
        continue;
      }
      boolean protocol = block.file().getFileName().toString().equals("protocol.md");
      String type = node.path("type").asText("");
      if (protocol && !CLIENT_TYPES.contains(type) && (node.has("type") || node.has("action"))) {
        try {
          codec.decode(block.code());
        } catch (RuntimeException e) {
          errors.add(block.where() + ": the codec refuses it: " + e.getMessage());
        }
      }
    }
    assertThat(errors).as("bad JSON examples").isEmpty();
  }

  @Test
  void theProtocolReferenceCoversEveryMessageTypeAndCloseCode() throws Exception {
    String protocol = Files.readString(MarkdownBlocks.DOCS.resolve("protocol.md"));
    for (Field field : MessageTypes.class.getFields()) {
      if (field.getType() == String.class) {
        assertThat(protocol)
            .as("message type %s", field.getName())
            .contains("`" + field.get(null) + "`");
      }
    }
    for (Field field : CloseReason.class.getFields()) {
      if (field.getType() == int.class) {
        assertThat(protocol)
            .as("close code %s", field.getName())
            .contains("| " + field.get(null) + " |");
      } else if (field.getType() == CloseReason.class) {
        CloseReason reason = (CloseReason) field.get(null);
        assertThat(protocol)
            .as("close reason %s", field.getName())
            .contains("`" + reason.reason() + "`");
      }
    }
  }

  @Test
  void theNginxConfigShownIsTheOneShippedAndTested() throws IOException {
    List<MarkdownBlocks.Block> shown = MarkdownBlocks.all("nginx");
    String shipped =
        Files.readString(MarkdownBlocks.DOCS.resolve("../examples/deploy/nginx.conf").normalize());

    assertThat(shown).hasSize(1);
    assertThat(shown.get(0).code())
        .as("%s shows examples/deploy/nginx.conf, which NginxProxyIT runs", shown.get(0).where())
        .isEqualTo(shipped);
  }
}
