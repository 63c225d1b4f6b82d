package io.segline.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * How segline's packages may depend on each other: no cycles (each package a slice of its own, nested
 * packages included), the line's stream processing and the monitor apart (the {@code line} package puts
 * them together; topics are shared through {@code topics}), and nothing below the command line reaching
 * up into {@code Main}.
 */
class ArchitectureTest {
    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("io.segline");
    }

    @Test
    void packagesShouldBeFreeOfCycles() {
        slices().matching("io.segline.(**)").should().beFreeOfCycles().check(classes);
    }

    @Test
    void nothingShouldDependOnTheCommandLineEntryPoint() {
        noClasses().that().resideOutsideOfPackage("io.segline").should().dependOnClassesThat().resideInAPackage("io.segline")
                .check(classes);
    }

    @Test
    void streamsAndMonitorShouldNotImportEachOther() {
        noClasses().that().resideInAPackage("io.segline.streams..").should().dependOnClassesThat().resideInAPackage("io.segline.monitor..")
                .check(classes);
        noClasses().that().resideInAPackage("io.segline.monitor..").should().dependOnClassesThat().resideInAPackage("io.segline.streams..")
                .check(classes);
    }

    @Test
    void theModelsShouldNotKnowTheLineOrItsTransport() {
        noClasses().that().resideInAnyPackage("io.segline.model..", "io.segline.refine..", "io.segline.quality..", "io.segline.caption..")
                .should().dependOnClassesThat().resideInAnyPackage("io.segline.streams..", "io.segline.line..", "io.segline.monitor..",
                        "io.segline.cli..", "org.apache.kafka.streams..")
                .check(classes);
    }
}
