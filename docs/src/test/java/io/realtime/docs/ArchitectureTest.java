package io.realtime.docs;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.simpleNameEndingWith;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.GeneralCodingRules.NO_CLASSES_SHOULD_ACCESS_STANDARD_STREAMS;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The layer rules of {@code CONTRIBUTING.md}, checked over the main classes of every library module
 * on this module's class path (tests, examples and benchmarks are not library code).
 *
 * <p>The vocabulary: an <em>API package</em> is any {@code io.realtime} package whose name has no
 * {@code internal} segment; {@code io.realtime.internal.util} is the <em>ground floor</em>; the
 * other {@code io.realtime.internal.*} packages are <em>feature implementations</em>. Following
 * Failsafe, a public builder constructs its implementation from {@code internal}; nothing else in
 * an API package reaches a feature implementation, and no public signature names one.
 */
@AnalyzeClasses(packages = "io.realtime", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

  private static final String CORE_INTERNAL = "io.realtime.internal..";
  private static final String GROUND_FLOOR = "io.realtime.internal.util..";

  /**
   * The API classes that construct a feature implementation without being a builder: each is a
   * static factory or attaches an implementation it owns, and none exposes it.
   */
  private static final Set<String> CONSTRUCTION_POINTS =
      Set.of(
          "io.realtime.metrics.MetricSources", // wraps a host's source in the isolating caller
          "io.realtime.jobs.JobLogTail"); // follows a job's stream with the shared StreamFollower

  /**
   * Where Jackson is used outside the codec, each with the reason it is allowed. The rule fails on
   * any other class.
   */
  private static final Set<String> JACKSON_OUTSIDE_THE_CODEC =
      Set.of(
          // Not realtime's wire format: these read other services' JSON documents (llama.cpp slots,
          // model and container health endpoints, a GPU health endpoint).
          "io.realtime.metrics.http.HttpProbe",
          "io.realtime.metrics.http.LlamaSlotsMetrics",
          "io.realtime.metrics.http.AiModelHealthMetrics",
          "io.realtime.metrics.nvml.HealthEndpointGpuMetrics");

  private static final DescribedPredicate<JavaClass> FEATURE_IMPLEMENTATION =
      resideInAPackage(CORE_INTERNAL).and(resideOutsideOfPackage(GROUND_FLOOR));

  private static final DescribedPredicate<JavaClass> API_CLASS =
      resideInAPackage("io.realtime..").and(not(resideInAPackage("..internal..")));

  /**
   * One slice per feature: {@code io.realtime.X..} and {@code io.realtime.internal.X..} are both
   * feature {@code X}; the ground floor is a slice of its own.
   */
  private static final SliceAssignment FEATURES =
      new SliceAssignment() {
        @Override
        public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
          String name = javaClass.getPackageName();
          if (!name.startsWith("io.realtime.")) {
            return SliceIdentifier.ignore();
          }
          String[] segments = name.substring("io.realtime.".length()).split("\\.");
          if (segments[0].equals("internal")) {
            if (segments.length == 1) {
              return SliceIdentifier.of("internal");
            }
            return segments[1].equals("util")
                ? SliceIdentifier.of("internal.util")
                : SliceIdentifier.of(segments[1]);
          }
          return SliceIdentifier.of(segments[0]);
        }

        @Override
        public String getDescription() {
          return "features (io.realtime.X and io.realtime.internal.X together)";
        }
      };

  @ArchTest
  static final ArchRule noPublicSignatureNamesAnInternalType =
      classes()
          .that(API_CLASS)
          .and()
          .arePublic()
          .should(exposeNoInternalType())
          .because("internal is not API: a host must never see or depend on an internal type");

  @ArchTest
  static final ArchRule onlyBuildersReachFeatureImplementations =
      noClasses()
          .that(API_CLASS)
          .and(not(simpleNameEndingWith("Builder")))
          .and(not(nameIn(CONSTRUCTION_POINTS)))
          .should()
          .dependOnClassesThat(FEATURE_IMPLEMENTATION)
          .because(
              "an API type reaches an implementation only to construct it (Failsafe's builder"
                  + " pattern); anything else it needs belongs in the API or the ground floor");

  @ArchTest
  static final ArchRule siblingModulesUseOnlyTheGroundFloorOfCore =
      noClasses()
          .that()
          .resideInAnyPackage(
              "io.realtime.test..",
              "io.realtime.tck..",
              "io.realtime.redis..",
              "io.realtime.jakarta..",
              "io.realtime.client..",
              "io.realtime.micrometer..",
              "io.realtime.metrics.http..",
              "io.realtime.metrics.nvml..",
              "io.realtime.metrics.oshi..",
              "io.realtime.metrics.postgres..")
          .should()
          .dependOnClassesThat(FEATURE_IMPLEMENTATION)
          .because(
              "sibling modules are released with core and may share its ground floor"
                  + " (io.realtime.internal.util), never its feature implementations");

  @ArchTest
  static final ArchRule theGroundFloorImportsNothingOfTheProject =
      noClasses()
          .that()
          .resideInAPackage(GROUND_FLOOR)
          .should()
          .dependOnClassesThat(
              resideInAPackage("io.realtime..").and(resideOutsideOfPackage(GROUND_FLOOR)))
          .because("every package may use the ground floor, so it must not point back up");

  @ArchTest
  static final ArchRule featuresFormNoCycle =
      slices()
          .assignedFrom(FEATURES)
          .should()
          .beFreeOfCycles()
          .because(
              "a feature's API and its implementation are one slice (the builder names the"
                  + " implementation, which implements the API); between features, arrows go one"
                  + " way");

  @ArchTest
  static final ArchRule libraryCodeNeverWritesToTheStandardStreams =
      NO_CLASSES_SHOULD_ACCESS_STANDARD_STREAMS.because("library code logs through SLF4J only");

  @ArchTest
  static final ArchRule onlyTheCodecUsesJackson =
      noClasses()
          .that()
          .resideOutsideOfPackage("io.realtime.message..")
          .and(not(nameIn(JACKSON_OUTSIDE_THE_CODEC)))
          .should()
          .dependOnClassesThat()
          .resideInAPackage("com.fasterxml.jackson..")
          .because("the codec (io.realtime.message) owns every wire shape");

  private static DescribedPredicate<JavaClass> nameIn(Set<String> names) {
    return DescribedPredicate.describe(
        "named one of " + names + " (or nested in one)",
        c -> names.contains(c.getName().replaceFirst("\\$.*", "")));
  }

  private static ArchCondition<JavaClass> exposeNoInternalType() {
    return new ArchCondition<>("expose no internal type in a public or protected signature") {
      @Override
      public void check(JavaClass type, ConditionEvents events) {
        Stream.concat(type.getRawSuperclass().stream(), type.getRawInterfaces().stream())
            .filter(ArchitectureTest::isInternal)
            .forEach(supertype -> violated(events, type, "extends " + supertype.getName()));
        for (JavaCodeUnit member : type.getCodeUnits()) {
          if (isExposed(member.getModifiers())) {
            Stream.of(
                    Stream.of(member.getReturnType()),
                    member.getParameterTypes().stream(),
                    member.getThrowsClause().getTypes().stream())
                .flatMap(types -> types)
                .flatMap(signature -> signature.getAllInvolvedRawTypes().stream())
                .filter(ArchitectureTest::isInternal)
                .forEach(
                    internal ->
                        violated(
                            events, type, member.getFullName() + " names " + internal.getName()));
          }
        }
        for (JavaField field : type.getFields()) {
          if (isExposed(field.getModifiers())) {
            field.getType().getAllInvolvedRawTypes().stream()
                .filter(ArchitectureTest::isInternal)
                .forEach(
                    internal ->
                        violated(
                            events, type, field.getFullName() + " names " + internal.getName()));
          }
        }
      }
    };
  }

  private static void violated(ConditionEvents events, JavaClass type, String what) {
    events.add(SimpleConditionEvent.violated(type, type.getName() + ": " + what));
  }

  private static boolean isExposed(Set<JavaModifier> modifiers) {
    return modifiers.contains(JavaModifier.PUBLIC) || modifiers.contains(JavaModifier.PROTECTED);
  }

  private static boolean isInternal(JavaClass type) {
    return resideInAnyPackage("io.realtime..internal..").test(type);
  }
}
