package org.perestroika.scheduler.dispatch.jenkins;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where the farm's Jenkins is and how builds are run on it.
 *
 * @param baseUrl Jenkins' root URL, such as {@code https://ci.example.org/jenkins/}; a missing
 *     trailing slash is added
 * @param user the Jenkins user builds are triggered as
 * @param apiToken that user's API token (not the password); never printed
 * @param jobNameTemplate the job that builds a package, with placeholders {@code {customer}},
 *     {@code {release}}, {@code {format}} (deb or rpm), {@code {dist}} and {@code {package}}, such
 *     as {@code {customer}-{release}-{format}-build}; a {@code /} separates folders
 * @param slots how many builds the farm runs on Jenkins at once, queued ones included
 * @param pollInterval how often the queue item, the build and its console are fetched
 * @param queueTimeout how long a build may wait in Jenkins' queue for an executor
 */
public record JenkinsConfig(
    URI baseUrl,
    String user,
    String apiToken,
    String jobNameTemplate,
    int slots,
    Duration pollInterval,
    Duration queueTimeout) {

  public static final String DEFAULT_JOB_NAME_TEMPLATE = "{customer}-{release}-{format}-build";
  public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(5);
  public static final Duration DEFAULT_QUEUE_TIMEOUT = Duration.ofHours(1);

  static final Set<String> PLACEHOLDERS =
      Set.of("customer", "release", "format", "dist", "package");
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{([^{}]*)}");

  public JenkinsConfig {
    List<String> problems = new ArrayList<>();
    if (baseUrl == null) {
      problems.add("baseUrl is missing");
    } else {
      String scheme = Objects.requireNonNullElse(baseUrl.getScheme(), "").toLowerCase(Locale.ROOT);
      if (!baseUrl.isAbsolute()
          || !(scheme.equals("http") || scheme.equals("https"))
          || baseUrl.getHost() == null) {
        problems.add("baseUrl '" + baseUrl + "' must be an http or https URL with a host");
      } else if (baseUrl.getRawUserInfo() != null) {
        problems.add("baseUrl must not carry credentials: give user and apiToken instead");
      } else if (baseUrl.getRawQuery() != null || baseUrl.getRawFragment() != null) {
        problems.add("baseUrl '" + baseUrl + "' must not have a query or a fragment");
      } else if (!baseUrl.getRawPath().endsWith("/")) {
        // Jenkins' paths are resolved against the root: without the slash the context is lost.
        baseUrl = URI.create(baseUrl + "/");
      }
    }
    if (user == null || user.isBlank()) {
      problems.add("user is missing");
    }
    if (apiToken == null || apiToken.isBlank()) {
      problems.add("apiToken is missing");
    }
    if (jobNameTemplate == null || jobNameTemplate.isBlank()) {
      problems.add("jobNameTemplate is missing");
    } else {
      problems.addAll(templateProblems(jobNameTemplate));
    }
    if (slots < 1) {
      problems.add("slots must be at least 1, got " + slots);
    }
    if (pollInterval == null || pollInterval.isNegative() || pollInterval.isZero()) {
      problems.add("pollInterval must be positive, got " + pollInterval);
    }
    if (queueTimeout == null || queueTimeout.isNegative() || queueTimeout.isZero()) {
      problems.add("queueTimeout must be positive, got " + queueTimeout);
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("Jenkins configuration: " + String.join("; ", problems));
    }
  }

  /** A configuration with the default job names, poll interval and queue timeout. */
  public static JenkinsConfig of(URI baseUrl, String user, String apiToken, int slots) {
    return new JenkinsConfig(
        baseUrl,
        user,
        apiToken,
        DEFAULT_JOB_NAME_TEMPLATE,
        slots,
        DEFAULT_POLL_INTERVAL,
        DEFAULT_QUEUE_TIMEOUT);
  }

  /** The template with every placeholder replaced by its value from {@code values}. */
  String jobName(Map<String, String> values) {
    Matcher m = PLACEHOLDER.matcher(jobNameTemplate);
    StringBuilder name = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(name, Matcher.quoteReplacement(values.get(m.group(1))));
    }
    m.appendTail(name);
    return name.toString();
  }

  private static List<String> templateProblems(String template) {
    List<String> problems = new ArrayList<>();
    Matcher m = PLACEHOLDER.matcher(template);
    while (m.find()) {
      if (!PLACEHOLDERS.contains(m.group(1))) {
        problems.add(
            "jobNameTemplate '"
                + template
                + "' has unknown placeholder {"
                + m.group(1)
                + "}; known are "
                + PLACEHOLDERS.stream().sorted().map(p -> "{" + p + "}").toList());
      }
    }
    String literal = m.replaceAll("x");
    if (literal.contains("{") || literal.contains("}")) {
      problems.add("jobNameTemplate '" + template + "' has an unbalanced brace");
    }
    if (template.startsWith("/") || template.endsWith("/") || template.contains("//")) {
      problems.add("jobNameTemplate '" + template + "' has an empty folder or job name");
    }
    return problems;
  }

  @Override
  public String toString() {
    return "JenkinsConfig[baseUrl="
        + baseUrl
        + ", user="
        + user
        + ", apiToken=****, jobNameTemplate="
        + jobNameTemplate
        + ", slots="
        + slots
        + ", pollInterval="
        + pollInterval
        + ", queueTimeout="
        + queueTimeout
        + "]";
  }
}
