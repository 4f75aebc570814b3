package org.perestroika.scheduler.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Optional;
import org.perestroika.scheduler.queue.BuildRecord;
import org.perestroika.scheduler.queue.NewBuild;

/**
 * A build as the API shows it: plain JSON values, null for what is absent, times in ISO-8601 UTC.
 * Written by hand so that the wire format does not follow the records' shape by accident.
 */
final class BuildJson {
  private BuildJson() {}

  static ObjectNode of(ObjectMapper mapper, BuildRecord build) {
    NewBuild request = build.request();
    ObjectNode json = mapper.createObjectNode();
    json.put("id", build.buildId());
    json.put("state", build.state().name());
    json.put("trigger", request.trigger().name());
    json.put("gerritServer", request.gerritServer());
    json.put("change", request.change().orElse(null));
    json.put("patchset", request.patchset().orElse(null));
    json.put("project", request.project());
    json.put("branch", request.branch());
    json.put("customer", request.customer());
    json.put("release", request.release());
    json.put("dist", request.dist());
    json.put("package", request.packageName());
    json.put("codeCommit", request.codeCommit());
    json.put("specCommit", request.specCommit().orElse(null));
    json.put("environmentId", request.environmentId());
    json.put("repository", build.repository().isEmpty() ? null : build.repository());
    json.put("createdAt", build.createdAt().toString());
    json.put("startedAt", time(build.startedAt()));
    json.put("finishedAt", time(build.finishedAt()));
    json.put("summary", build.summary().orElse(null));
    json.put("vote", build.vote().orElse(null));
    json.put("log", "/api/builds/" + build.buildId() + "/log");
    return json;
  }

  private static String time(Optional<Instant> instant) {
    return instant.map(Instant::toString).orElse(null);
  }
}
