package org.perestroika.testing.jenkins;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One request a {@link JenkinsStub} received, as it arrived.
 *
 * @param path the path below the stub's base URL, decoded, such as {@code
 *     job/x/buildWithParameters}
 * @param query the query parameters, in order
 * @param form the form-encoded body's parameters, in order (empty for other bodies)
 * @param headers the request headers by lower-case name, the first value of each
 * @param status the status the stub answered with
 */
public record RecordedRequest(
    String method,
    String path,
    Map<String, String> query,
    Map<String, String> form,
    Map<String, String> headers,
    int status) {

  public RecordedRequest {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(path, "path");
    query = Collections.unmodifiableMap(new LinkedHashMap<>(query));
    form = Collections.unmodifiableMap(new LinkedHashMap<>(form));
    headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
  }

  /** Query and form parameters together, as Jenkins reads them for buildWithParameters. */
  public Map<String, String> parameters() {
    Map<String, String> all = new LinkedHashMap<>(query);
    all.putAll(form);
    return Collections.unmodifiableMap(all);
  }

  public Optional<String> header(String name) {
    return Optional.ofNullable(headers.get(name.toLowerCase(java.util.Locale.ROOT)));
  }

  public boolean is(String method, String path) {
    return this.method.equals(method) && this.path.equals(path);
  }

  @Override
  public String toString() {
    return method + " " + path + (query.isEmpty() ? "" : " " + query) + " -> " + status;
  }
}
