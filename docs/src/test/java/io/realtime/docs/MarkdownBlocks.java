package io.realtime.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The fenced code blocks of the documentation's Markdown files. */
final class MarkdownBlocks {

  /** The folder of the docs: this module's folder. */
  static final Path DOCS = Path.of("").toAbsolutePath();

  /**
   * One fenced block.
   *
   * @param file the Markdown file
   * @param line the line of its opening fence
   * @param language the info string's first word, lower case ("" when none)
   * @param code the content
   */
  record Block(Path file, int line, String language, String code) {
    String where() {
      return DOCS.relativize(file) + ":" + line;
    }
  }

  private MarkdownBlocks() {}

  /** Every Markdown file of the docs (the README's snippet has its own test in realtime-core). */
  static List<Path> files() {
    try (Stream<Path> files = Files.list(DOCS)) {
      return files.filter(f -> f.toString().endsWith(".md")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The blocks of every file in a language. */
  static List<Block> all(String language) {
    return files().stream()
        .flatMap(f -> of(f).stream())
        .filter(b -> b.language.equals(language))
        .toList();
  }

  static List<Block> of(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<Block> blocks = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (!line.startsWith("```")) {
        continue;
      }
      String info = line.substring(3).strip();
      String language = info.isEmpty() ? "" : info.split("\\s+")[0].toLowerCase();
      StringBuilder code = new StringBuilder();
      int start = i + 1;
      i++;
      while (i < lines.size() && !lines.get(i).strip().equals("```")) {
        code.append(lines.get(i)).append('\n');
        i++;
      }
      if (i == lines.size()) {
        throw new IllegalStateException(file + ":" + start + ": unclosed code block");
      }
      blocks.add(new Block(file, start, language, code.toString()));
    }
    return blocks;
  }
}
