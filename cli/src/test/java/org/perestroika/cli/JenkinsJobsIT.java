package org.perestroika.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPath;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathExpressionException;
import javax.xml.xpath.XPathFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.perestroika.core.config.ConfigLoader;
import org.perestroika.core.model.BuildLimits;
import org.perestroika.core.model.Dist;
import org.perestroika.core.model.SourceCommits;
import org.perestroika.core.process.Command;
import org.perestroika.core.process.CommandResult;
import org.perestroika.core.process.ProcessCommandRunner;
import org.perestroika.scheduler.dispatch.DispatchRequest;
import org.perestroika.scheduler.dispatch.jenkins.JenkinsConfig;
import org.perestroika.scheduler.dispatch.jenkins.JenkinsDispatcher;
import org.perestroika.scheduler.queue.BuildRecord;
import org.perestroika.scheduler.queue.BuildState;
import org.perestroika.scheduler.queue.BuildTrigger;
import org.perestroika.scheduler.queue.NewBuild;
import org.perestroika.testing.Requirements;
import org.w3c.dom.Document;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The Jenkins jobs in jjb/ as jenkins-job-builder renders them, held to their two contracts: the
 * scheduler's Jenkins dispatcher triggers them by name with its parameters, and their steps call
 * the {@code perestroika} command with options it accepts. A renamed option or parameter fails
 * here, not in production.
 */
class JenkinsJobsIT {
  private static final Path JJB = Path.of("..", "jjb").toAbsolutePath().normalize();

  /** The customer and release projects.yaml instantiates. */
  private static final String CUSTOMER = "acme";

  private static final String RELEASE = "mos10.0";
  private static final String BRANCH = "openstack-ci/fuel-10.0/2024.1";

  /** A {@code perestroika} call in a shell step, after line continuations are joined. */
  private static final Pattern CALL = Pattern.compile("(?m)^\\s*(?:exec\\s+)?perestroika\\s+(.*)$");

  @TempDir static Path rendered;
  private static Map<String, Document> jobs;

  @BeforeAll
  static void render() throws Exception {
    Requirements.requirePrograms("jenkins-jobs");
    CommandResult result =
        new ProcessCommandRunner()
            .run(
                Command.of(
                    "jenkins-jobs",
                    "test",
                    "--config-xml",
                    "-r",
                    JJB.toString(),
                    "-o",
                    rendered.toString()));
    assertEquals(0, result.exitCode(), () -> "jenkins-jobs test failed:\n" + result.stderr());
    jobs = new TreeMap<>();
    try (Stream<Path> files = Files.list(rendered)) {
      for (Path dir : files.toList()) {
        jobs.put(
            dir.getFileName().toString(),
            DocumentBuilderFactory.newInstance()
                .newDocumentBuilder()
                .parse(dir.resolve("config.xml").toFile()));
      }
    }
    assertFalse(jobs.isEmpty(), "jenkins-jobs rendered no job from " + JJB);
  }

  @Test
  void theSchedulerTriggersJobsThatExistWithExactlyItsParameters() throws Exception {
    Map<String, Dist> dists = ConfigLoader.defaults(Optional.empty()).dists();
    Set<String> triggered = new TreeSet<>();
    // One dist per package format: the job name carries the format, DIST is a parameter.
    for (String dist : List.of("bookworm", "centos7")) {
      DispatchRequest request = request(dists.get(dist));
      String job;
      try (JenkinsDispatcher dispatcher =
          new JenkinsDispatcher(
              JenkinsConfig.of(URI.create("http://127.0.0.1:9/"), "farm", "token", 1),
              build -> Optional.of(CUSTOMER + "/openstack-build/hello"))) {
        job = dispatcher.jobName(request);
      }
      triggered.add(job);
      Document xml = jobs.get(job);
      assertNotNull(xml, "the scheduler triggers " + job + ", which jjb/ does not define");
      assertEquals(
          new ArrayList<>(
              JenkinsDispatcher.parameters(request, b -> Optional.of("x/openstack-build/hello"))
                  .keySet()),
          strings(xml, "//parameterDefinitions/hudson.model.StringParameterDefinition/name"),
          job + " declares other parameters than the scheduler sends");
      assertEquals("perestroika-worker", text(xml, "/project/assignedNode"), job);
      assertEquals("true", text(xml, "/project/concurrentBuild"), job + " must run concurrently");
      assertEquals(
          List.of("out/*"), strings(xml, "//hudson.tasks.ArtifactArchiver/artifacts"), job);
    }
    Set<String> buildJobs = new TreeSet<>(jobs.keySet());
    buildJobs.removeIf(name -> !name.endsWith("-build"));
    assertEquals(triggered, buildJobs, "build jobs the scheduler never triggers");
  }

  @Test
  void everyPerestroikaCallUsesCommandsAndOptionsTheCliAccepts() throws Exception {
    Set<String> commandsCalled = new TreeSet<>();
    for (Map.Entry<String, Document> job : jobs.entrySet()) {
      for (String script : strings(job.getValue(), "//hudson.tasks.Shell/command")) {
        Matcher call = CALL.matcher(script.replace("\\\n", " "));
        while (call.find()) {
          commandsCalled.add(check(job.getKey(), call.group(1)));
        }
      }
    }
    assertEquals(
        Set.of("build", "chroot update", "mirror sync", "promote", "publish"),
        commandsCalled,
        "the commands the jobs call");
  }

  @Test
  void everyShellStepPassesShellcheck(@TempDir Path work) throws Exception {
    Requirements.requirePrograms("shellcheck");
    int checked = 0;
    for (Map.Entry<String, Document> job : jobs.entrySet()) {
      List<String> scripts = strings(job.getValue(), "//builders/hudson.tasks.Shell/command");
      for (int i = 0; i < scripts.size(); i++) {
        Path script = Files.writeString(work.resolve(job.getKey() + "-" + i), scripts.get(i));
        // Jenkins runs a step without a #! line with sh.
        CommandResult result =
            new ProcessCommandRunner()
                .run(
                    Command.of(
                        "shellcheck", "--shell=bash", "--severity=style", script.toString()));
        assertEquals(0, result.exitCode(), () -> job.getKey() + ":\n" + result.stdout());
        checked++;
      }
    }
    assertTrue(checked >= 9, "only " + checked + " shell steps checked");
  }

  @Test
  void everyParameterOfAJobTheFarmDoesNotTriggerIsUsedByItsSteps() throws Exception {
    int checked = 0;
    for (Map.Entry<String, Document> job : jobs.entrySet()) {
      if (job.getKey().endsWith("-build")) {
        continue; // their parameters are the scheduler's, checked above
      }
      String steps = String.join("\n", strings(job.getValue(), "//builders/*/*"));
      for (String parameter :
          strings(job.getValue(), "//parameterDefinitions/*/name[not(. = 'NODE')]")) {
        assertTrue(
            steps.contains("$" + parameter) || steps.contains("${" + parameter),
            job.getKey() + " declares " + parameter + " but no step uses it");
        checked++;
      }
    }
    assertTrue(checked >= 9, "only " + checked + " parameters checked");
  }

  @Test
  void jobsRunWhereAndWhenTheFarmNeedsThem() throws Exception {
    Document publish = jobs.get(CUSTOMER + "-" + RELEASE + "-publish");
    assertNotNull(publish, "the publish job");
    assertEquals("perestroika-publisher", text(publish, "/project/assignedNode"));
    assertEquals("false", text(publish, "/project/concurrentBuild"), "publishing is serial");

    Document chroot = jobs.get("perestroika-chroot-update-bookworm");
    assertNotNull(chroot, "the chroot maintenance job");
    assertEquals("H 3 * * *", text(chroot, "//hudson.triggers.TimerTrigger/spec"));
    assertEquals(
        "NODE", text(chroot, "//hudson.plugins.buildblocker.BuildBlockerProperty/blockLevel"));
    assertEquals(
        "true",
        text(
            chroot,
            "//org.jvnet.jenkins.plugins.nodelabelparameter.LabelParameterDefinition/allNodesMatchingLabel"),
        "every worker updates its chroot");

    Document gerrit = jobs.get(CUSTOMER + "-" + RELEASE + "-deb-gerrit");
    assertNotNull(gerrit, "the Gerrit-triggered job");
    String trigger = "//com.sonyericsson.hudson.plugins.gerrit.trigger.hudsontrigger.GerritTrigger";
    assertEquals(
        List.of(
            "acme/openstack/[^/]+",
            "acme/openstack-build/[^/]+",
            "acme/packages/fuel/bookworm/[^/]+"),
        strings(gerrit, trigger + "/gerritProjects/*/pattern"));
    assertEquals(
        Set.of("openstack-ci/fuel-10.0/2024.1"),
        new LinkedHashSet<>(strings(gerrit, trigger + "/gerritProjects/*/branches/*/pattern")));
    List<String> events = new ArrayList<>();
    NodeList nodes = nodes(gerrit, trigger + "/triggerOnEvents/*");
    for (int i = 0; i < nodes.getLength(); i++) {
      events.add(nodes.item(i).getNodeName().replaceAll(".*\\.", ""));
    }
    assertEquals(
        List.of(
            "PluginPatchsetCreatedEvent",
            "PluginChangeMergedEvent",
            "PluginCommentAddedContainsEvent"),
        events);
    Pattern recheck =
        Pattern.compile(text(gerrit, trigger + "/triggerOnEvents/*/commentAddedCommentContains"));
    assertTrue(recheck.matcher("Patch Set 3:\n\nrecheck").find(), "a recheck comment triggers");
    assertFalse(recheck.matcher("Patch Set 3:\n\nplease do not recheck yet").find());
  }

  @Test
  void theBuildJobsStepsBuildASplitPackageFromTheCommitsTheSchedulerNames(@TempDir Path work)
      throws Exception {
    Requirements.bookwormChroot();
    Requirements.requirePrograms("git", "dpkg-parsechangelog");
    Path gerrit = work.resolve("gerrit");
    String code =
        commit(gerrit.resolve(CUSTOMER + "/openstack/perestroika-hello"), "Makefile", "hello.c");
    String spec = commit(gerrit.resolve(CUSTOMER + "/openstack-build/perestroika-hello"), "debian");
    Map<String, String> parameters = splitPairBuild("b1", code, spec, "bookworm");

    Path workspace = runSteps("acme-mos10.0-deb-build", gerrit, parameters, work);

    try (Stream<Path> out = Files.list(workspace.resolve("out"))) {
      List<String> names = out.map(p -> p.getFileName().toString()).sorted().toList();
      assertTrue(
          names.contains("perestroika-hello_1.0-1~deb12+mos1_amd64.changes"), names::toString);
      assertTrue(names.contains("perestroika-hello_1.0.orig.tar.gz"), names::toString);
    }
    // The .changes quotes the changelog entry, which names the commits built.
    String changes =
        Files.readString(workspace.resolve("out/perestroika-hello_1.0-1~deb12+mos1_amd64.changes"));
    assertTrue(changes.contains("Source commit: " + code), changes);
    assertTrue(changes.contains("Build commit: " + spec), changes);
  }

  @Test
  void theGerritJobPairsACodeChangeWithTheSpecBranchHead(@TempDir Path work) throws Exception {
    Requirements.requirePrograms("git", "dpkg-parsechangelog");
    Path gerrit = work.resolve("gerrit");
    String code =
        commit(gerrit.resolve(CUSTOMER + "/openstack/perestroika-hello"), "Makefile", "hello.c");
    String spec = commit(gerrit.resolve(CUSTOMER + "/openstack-build/perestroika-hello"), "debian");
    // What Gerrit Trigger sets for a new patch set; the job itself sets DIST.
    Map<String, String> event =
        Map.of(
            "GERRIT_PROJECT",
            CUSTOMER + "/openstack/perestroika-hello",
            "GERRIT_BRANCH",
            BRANCH,
            "GERRIT_PATCHSET_REVISION",
            code,
            "DIST",
            "bookworm");

    Path workspace = runSteps("acme-mos10.0-deb-gerrit", gerrit, event, work, 1);

    assertEquals(
        "src/perestroika-hello-1.0", Files.readString(workspace.resolve("src/TREE")).trim());
    assertEquals(code, Files.readString(workspace.resolve("src/SOURCE_COMMIT")).trim());
    assertEquals(spec, Files.readString(workspace.resolve("src/BUILD_COMMIT")).trim());
    Path tree = workspace.resolve("src/perestroika-hello-1.0");
    assertTrue(Files.exists(tree.resolve("hello.c")) && Files.exists(tree.resolve("debian/rules")));
    List<String> orig =
        List.of(
            new ProcessCommandRunner()
                .check(
                    Command.of(
                        "tar",
                        "-tzf",
                        workspace.resolve("src/perestroika-hello_1.0.orig.tar.gz").toString()))
                .stdout()
                .split("\n"));
    assertTrue(orig.contains("perestroika-hello-1.0/hello.c"), orig::toString);
  }

  @Test
  void theRpmBuildJobBuildsASplitPackageWithTheSpecFromRpmSpecs(@TempDir Path work)
      throws Exception {
    Requirements.dockerEngine();
    Requirements.requirePrograms("git", "rpmspec", "rpm");
    Path gerrit = work.resolve("gerrit");
    Path example = Path.of("..", "examples", "hello-rpm").toAbsolutePath().normalize();
    Path codeProject = gerrit.resolve(CUSTOMER + "/openstack/perestroika-hello");
    Files.createDirectories(codeProject);
    Files.copy(example.resolve("perestroika-hello"), codeProject.resolve("perestroika-hello"));
    String code = commit(codeProject);
    // The example's spec, taking the program from a tarball of the code as split packages do.
    Path specProject = gerrit.resolve(CUSTOMER + "/openstack-build/perestroika-hello");
    Path specs = Files.createDirectories(specProject.resolve("rpm/SPECS"));
    Files.writeString(
        specs.resolve("perestroika-hello.spec"),
        Files.readString(example.resolve("perestroika-hello.spec"))
            .replace(
                "Source0:        perestroika-hello", "Source0:        %{name}-%{version}.tar.gz")
            .replace("%install\n", "%prep\n%setup -q\n\n%install\n")
            .replace("%{SOURCE0}", "perestroika-hello"));
    String spec = commit(specProject);
    Map<String, String> parameters = splitPairBuild("b2", code, spec, "centos7");

    Path workspace = runSteps("acme-mos10.0-rpm-build", gerrit, parameters, work);

    Path tree = workspace.resolve("src/perestroika-hello");
    assertTrue(Files.isRegularFile(tree.resolve("perestroika-hello-1.0.tar.gz")));
    Path rpm = workspace.resolve("out/perestroika-hello-1.0-1.el7~mos1.noarch.rpm");
    assertTrue(Files.isRegularFile(rpm), () -> "no " + rpm);
    // The package's changelog names the commits built.
    String changelog =
        new ProcessCommandRunner()
            .check(Command.of("rpm", "-qp", "--changelog", rpm.toString()))
            .stdout();
    assertTrue(changelog.contains(code) && changelog.contains(spec), changelog);
  }

  /** The parameters the scheduler sends to build perestroika-hello as a split pair. */
  private static Map<String, String> splitPairBuild(
      String buildId, String code, String spec, String dist) {
    Map<String, String> parameters = new TreeMap<>();
    parameters.put("BUILD_ID", buildId);
    parameters.put("GERRIT_PROJECT", CUSTOMER + "/openstack/perestroika-hello");
    parameters.put("GERRIT_BRANCH", BRANCH);
    parameters.put("CODE_COMMIT", code);
    parameters.put("SPEC_PROJECT", CUSTOMER + "/openstack-build/perestroika-hello");
    parameters.put("SPEC_COMMIT", spec);
    parameters.put("DIST", dist);
    return parameters;
  }

  /** Runs the first {@code steps} shell steps of a rendered job in a fresh workspace. */
  private static Path runSteps(
      String job, Path gerrit, Map<String, String> parameters, Path work, int... steps)
      throws Exception {
    List<String> scripts = strings(jobs.get(job), "//builders/hudson.tasks.Shell/command");
    int count = steps.length == 0 ? scripts.size() : steps[0];
    Path bin = Files.createDirectories(work.resolve("bin"));
    Files.writeString(
        bin.resolve("perestroika"),
        "#!/bin/sh\nexec java -jar " + PerestroikaProcess.JAR + " \"$@\"\n");
    bin.resolve("perestroika").toFile().setExecutable(true);
    Path workspace = Files.createDirectories(work.resolve("workspace"));
    // What the job injects, what it is given, and our own Gerrit instead of the job's.
    Map<String, String> environment = new TreeMap<>();
    for (String injected :
        strings(jobs.get(job), "//EnvInjectBuildWrapper/info/propertiesContent")) {
      for (String line : injected.split("\n")) {
        String[] pair = line.split("=", 2);
        if (pair.length == 2) {
          environment.put(pair[0].strip(), pair[1].strip());
        }
      }
    }
    environment.putAll(parameters);
    environment.put("GERRIT_URL", gerrit.toUri().toString().replaceAll("/$", ""));
    environment.put("PATH", bin + ":" + System.getenv("PATH"));
    for (int i = 0; i < count; i++) {
      Path script = Files.writeString(work.resolve("step" + i), scripts.get(i));
      script.toFile().setExecutable(true);
      // As Jenkins runs a shell step: by its #! line, else with sh -xe.
      Command command =
          scripts.get(i).startsWith("#!")
              ? Command.of(script.toString())
              : Command.of("sh", "-xe", script.toString());
      CommandResult result =
          new ProcessCommandRunner()
              .run(command.withEnvironment(environment).inDirectory(workspace));
      assertEquals(
          0,
          result.exitCode(),
          () -> job + " step " + script + " failed:\n" + result.stdout() + result.stderr());
    }
    return workspace;
  }

  /** A Gerrit project with parts of examples/hello on the release branch; returns the commit. */
  private static String commit(Path project, String... parts) throws Exception {
    Path example = Path.of("..", "examples", "hello").toAbsolutePath().normalize();
    Files.createDirectories(project);
    ProcessCommandRunner runner = new ProcessCommandRunner();
    runner.check(Command.of("git", "init", "-q", "-b", BRANCH, project.toString()));
    for (String part : parts) {
      runner.check(Command.of("cp", "-a", example.resolve(part).toString(), project.toString()));
    }
    runner.check(Command.of("git", "-C", project.toString(), "add", "."));
    runner.check(
        Command.of(
            "git",
            "-C",
            project.toString(),
            "-c",
            "user.name=Farm",
            "-c",
            "user.email=farm@example.com",
            "commit",
            "-q",
            "-m",
            "import"));
    return runner
        .check(Command.of("git", "-C", project.toString(), "rev-parse", "HEAD"))
        .stdout()
        .trim();
  }

  /**
   * Parses one call as picocli would dispatch it and checks its options; returns the subcommand
   * path, such as {@code chroot update}.
   */
  private static String check(String job, String arguments) {
    String[] words = arguments.trim().split("\\s+");
    CommandLine command = new CommandLine(new Main());
    List<String> path = new ArrayList<>();
    int i = 0;
    while (i < words.length && command.getSubcommands().containsKey(words[i])) {
      command = command.getSubcommands().get(words[i]);
      path.add(words[i++]);
    }
    String called = String.join(" ", path);
    String where = job + " calls `perestroika " + arguments.trim() + "`: ";
    assertFalse(path.isEmpty(), where + "no such command");
    assertTrue(command.getSubcommands().isEmpty(), where + "'" + called + "' needs a subcommand");
    CommandSpec spec = command.getCommandSpec();
    Set<String> given = new TreeSet<>();
    for (; i < words.length; i++) {
      if (words[i].startsWith("--")) {
        String name = words[i].split("=", 2)[0];
        OptionSpec option = spec.findOption(name);
        assertNotNull(option, where + name + " is not an option of `perestroika " + called + "`");
        given.add(option.longestName());
      }
    }
    for (OptionSpec option :
        spec.requiredArgs().stream()
            .filter(OptionSpec.class::isInstance)
            .map(OptionSpec.class::cast)
            .toList()) {
      assertTrue(given.contains(option.longestName()), where + "misses " + option.longestName());
    }
    return called;
  }

  private static DispatchRequest request(Dist dist) {
    NewBuild build =
        new NewBuild(
            BuildTrigger.REVIEW,
            "review",
            Optional.of(1234),
            Optional.of(2),
            CUSTOMER + "/openstack/hello",
            "openstack-ci/fuel-10.0/2024.1",
            CUSTOMER,
            RELEASE,
            dist.name(),
            "hello",
            "a".repeat(40),
            Optional.of("b".repeat(40)),
            dist.name() + "-20261121");
    BuildRecord record =
        new BuildRecord(
            1,
            "b1",
            build,
            BuildState.RUNNING,
            Instant.parse("2026-11-21T12:00:00Z"),
            Optional.empty(),
            Optional.empty(),
            "",
            Optional.empty(),
            Optional.empty(),
            Optional.empty());
    Path unused = Path.of("/nonexistent");
    return new DispatchRequest(
        record, unused, dist, BuildLimits.DEFAULTS, unused, SourceCommits.same("a".repeat(40)));
  }

  private static NodeList nodes(Document xml, String path) throws XPathExpressionException {
    XPath xpath = XPathFactory.newInstance().newXPath();
    return (NodeList) xpath.evaluate(path, xml, XPathConstants.NODESET);
  }

  private static List<String> strings(Document xml, String path) throws XPathExpressionException {
    NodeList found = nodes(xml, path);
    List<String> values = new ArrayList<>();
    for (int i = 0; i < found.getLength(); i++) {
      Node node = found.item(i);
      values.add(node.getTextContent());
    }
    return values;
  }

  private static String text(Document xml, String path) throws XPathExpressionException {
    List<String> values = strings(xml, path);
    assertEquals(1, values.size(), () -> path + " matched " + values);
    return values.get(0);
  }
}
