package dev.switchboard;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** DESIGN.md §2's dependency rule: a package uses only what its row names. */
@AnalyzeClasses(packages = "dev.switchboard", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule layers = layeredArchitecture().consideringOnlyDependenciesInAnyPackage("dev.switchboard..")
            .layer("model").definedBy("dev.switchboard.model..")
            .layer("config").definedBy("dev.switchboard.config..")
            .layer("provider").definedBy("dev.switchboard.provider..")
            .layer("route").definedBy("dev.switchboard.route..")
            .layer("cache").definedBy("dev.switchboard.cache..")
            .layer("govern").definedBy("dev.switchboard.govern..")
            .layer("account").definedBy("dev.switchboard.account..")
            .layer("observe").definedBy("dev.switchboard.observe..")
            .layer("store").definedBy("dev.switchboard.store..")
            .layer("pipeline").definedBy("dev.switchboard.pipeline..")
            .layer("edge").definedBy("dev.switchboard.edge..")
            .layer("cli").definedBy("dev.switchboard.cli..")
            .layer("simulator").definedBy("dev.switchboard.simulator..")
            .withOptionalLayers(true)
            .whereLayer("cli").mayNotBeAccessedByAnyLayer()
            .whereLayer("edge").mayOnlyBeAccessedByLayers("cli")
            .whereLayer("pipeline").mayOnlyBeAccessedByLayers("edge", "cli")
            .whereLayer("route").mayOnlyBeAccessedByLayers("pipeline")
            .whereLayer("cache").mayOnlyBeAccessedByLayers("pipeline")
            .whereLayer("account").mayOnlyBeAccessedByLayers("pipeline", "edge")
            .whereLayer("observe").mayOnlyBeAccessedByLayers("pipeline", "edge")
            .whereLayer("govern").mayOnlyBeAccessedByLayers("pipeline", "edge")
            .whereLayer("provider").mayOnlyBeAccessedByLayers("route", "pipeline")
            .whereLayer("store").mayOnlyBeAccessedByLayers("cache", "govern", "account", "observe", "pipeline")
            .whereLayer("config").mayOnlyBeAccessedByLayers("provider", "route", "pipeline", "edge", "cli")
            .whereLayer("simulator").mayOnlyBeAccessedByLayers("cli");

    @ArchTest
    static final ArchRule modelUsesNothingOfOurs = noClasses().that().resideInAPackage("dev.switchboard.model..")
            .should().dependOnClassesThat().resideOutsideOfPackages("dev.switchboard.model..", "java..", "com.fasterxml.jackson..");

    @ArchTest
    static final ArchRule simulatorIsStandalone = noClasses().that().resideInAPackage("dev.switchboard.simulator..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.switchboard.model..", "dev.switchboard.config..",
                    "dev.switchboard.provider..", "dev.switchboard.pipeline..", "dev.switchboard.edge..");

    @ArchTest
    static final ArchRule providerWireTypesStayInTheirPackage = noClasses()
            .that().resideOutsideOfPackage("dev.switchboard.provider..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.switchboard.provider.openai..", "dev.switchboard.provider.mock..",
                    "dev.switchboard.provider.anthropic..", "dev.switchboard.provider.gemini..")
            .as("provider packages are reached only through the ProviderRegistry")
            .because("a new provider is one new package plus one registry line");

    @ArchTest
    static final ArchRule noBodyHandler = noClasses().should().dependOnClassesThat()
            .haveFullyQualifiedName("io.vertx.ext.web.handler.BodyHandler")
            .as("no route reads its body through vertx-web's BodyHandler")
            .because("it writes multipart file parts to ./file-uploads before a route can refuse the request, and never "
                    + "deletes them (security QA finding 2); bodies are read by BodyReader, in memory, after authentication");
}
