package io.realtime.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@code mvn deploy} would publish, and that each published jar is fit for Maven Central:
 * beside it a sources and a Javadoc jar, in it an {@code Automatic-Module-Name} and the license. It
 * reads the reactor's POMs and the jars the reactor built before this module's integration tests,
 * so it runs in {@code mvn verify} from the repository root.
 */
class PublishingIT {

  private static final Logger log = LoggerFactory.getLogger(PublishingIT.class);
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  /** One module of the reactor, as its POM declares it. */
  private record Module(Path directory, String artifactId, String packaging, boolean published) {}

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new AssertionError("cannot read " + file, e);
    }
  }

  private static String first(String xml, String pattern) {
    Matcher matcher = Pattern.compile(pattern, Pattern.DOTALL).matcher(xml);
    return matcher.find() ? matcher.group(1).trim() : null;
  }

  /** The POM without its parent, dependencies, plugins and profiles: the module's own elements. */
  private static String own(String pom) {
    return pom.replaceAll("(?s)<parent>.*?</parent>", "")
        .replaceAll("(?s)<dependencyManagement>.*?</dependencyManagement>", "")
        .replaceAll("(?s)<dependencies>.*?</dependencies>", "")
        .replaceAll("(?s)<build>.*?</build>", "")
        .replaceAll("(?s)<profiles>.*?</profiles>", "");
  }

  private static List<Module> modules() {
    List<Module> modules = new ArrayList<>();
    Matcher names =
        Pattern.compile("<module>(.*?)</module>").matcher(read(ROOT.resolve("pom.xml")));
    while (names.find()) {
      Path directory = ROOT.resolve(names.group(1));
      String pom = own(read(directory.resolve("pom.xml")));
      String packaging = first(pom, "<packaging>(.*?)</packaging>");
      modules.add(
          new Module(
              directory,
              first(pom, "<artifactId>(.*?)</artifactId>"),
              packaging == null ? "jar" : packaging,
              !"true".equals(first(pom, "<maven.deploy.skip>(.*?)</maven.deploy.skip>"))));
    }
    return modules;
  }

  private static String version() {
    return first(own(read(ROOT.resolve("pom.xml"))), "<version>(.*?)</version>");
  }

  @Test
  void exactlyTheLibraryModulesArePublishedAndTheBomNamesEachOfThem() {
    List<String> published =
        modules().stream().filter(Module::published).map(Module::artifactId).toList();
    log.info("mvn deploy publishes realtime-parent and: {}", published);

    String bom = read(ROOT.resolve("realtime-bom/pom.xml"));
    List<String> inBom = new ArrayList<>();
    Matcher members = Pattern.compile("<artifactId>(realtime-[a-z-]+)</artifactId>").matcher(bom);
    while (members.find()) {
      if (!members.group(1).equals("realtime-bom") && !members.group(1).equals("realtime-parent")) {
        inBom.add(members.group(1));
      }
    }
    inBom.add("realtime-bom");
    assertThat(published)
        .as("published modules: the BOM and its members, never examples, benchmarks or docs")
        .containsExactlyInAnyOrderElementsOf(inBom);
  }

  @Test
  void everyPublishedJarHasSourcesJavadocAModuleNameAndTheLicense() throws IOException {
    String version = version();
    List<Module> jars =
        modules().stream().filter(m -> m.published() && m.packaging().equals("jar")).toList();
    assertThat(jars).isNotEmpty();
    for (Module module : jars) {
      Path target = module.directory().resolve("target");
      String base = module.artifactId() + "-" + version;
      Path jar = target.resolve(base + ".jar");
      assertThat(jar)
          .as("built by the reactor before this test: run mvn verify from the root")
          .exists();
      assertThat(target.resolve(base + "-sources.jar")).exists();
      assertThat(target.resolve(base + "-javadoc.jar")).exists();
      try (JarFile file = new JarFile(jar.toFile())) {
        assertThat(file.getManifest().getMainAttributes().getValue("Automatic-Module-Name"))
            .as("Automatic-Module-Name of %s", module.artifactId())
            .isNotBlank();
        assertThat(file.getEntry("META-INF/LICENSE"))
            .as("license in %s", module.artifactId())
            .isNotNull();
      }
    }
  }
}
