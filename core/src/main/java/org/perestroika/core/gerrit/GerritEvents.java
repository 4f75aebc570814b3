package org.perestroika.core.gerrit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.Optional;
import java.util.regex.Pattern;
import org.perestroika.core.gerrit.GerritEvent.ChangeAbandoned;
import org.perestroika.core.gerrit.GerritEvent.ChangeMerged;
import org.perestroika.core.gerrit.GerritEvent.CommentAdded;
import org.perestroika.core.gerrit.GerritEvent.PatchsetCreated;
import org.perestroika.core.gerrit.GerritEvent.RefUpdated;
import org.perestroika.core.gerrit.GerritEvent.Unsupported;

/**
 * Reads one Gerrit event from the JSON Gerrit writes for it, one object per line in {@code gerrit
 * stream-events} and one object per request body in webhooks. Attributes we do not use are ignored,
 * so that events from newer Gerrit versions still parse.
 */
public final class GerritEvents {
  // Thread-safe once configured; trailing tokens are refused because two events on one line mean
  // the stream was split wrongly, and silently taking the first would lose the second.
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  private static final int EXCERPT = 120;
  // Jackson points at where an unclosed object began, quoting an unhelpful "[Source: ...]".
  private static final Pattern START_MARKER =
      Pattern.compile("\\s*\\(start marker at \\[[^\\]]*\\]\\)");

  private GerritEvents() {}

  /**
   * Parses one event.
   *
   * @throws MalformedEventException when the text is not a JSON object, has no {@code type} or
   *     {@code eventCreatedOn}, or lacks an attribute the event's record needs
   */
  public static GerritEvent parse(String jsonLine) {
    if (jsonLine == null || jsonLine.isBlank()) {
      throw new MalformedEventException("Gerrit event is empty");
    }
    JsonNode root;
    try {
      root = JSON.readTree(jsonLine);
    } catch (JsonProcessingException e) {
      throw new MalformedEventException(
          "Gerrit event is not JSON ("
              + excerpt(START_MARKER.matcher(e.getOriginalMessage()).replaceAll(""))
              + " at column "
              + (e.getLocation() == null ? "?" : e.getLocation().getColumnNr())
              + "): "
              + excerpt(jsonLine),
          e);
    }
    if (root == null || !root.isObject()) {
      throw new MalformedEventException("Gerrit event is not a JSON object: " + excerpt(jsonLine));
    }
    Node event = new Node(root, "Gerrit event: ");
    String type = event.requiredText("type");
    Node located = new Node(root, type + " event: ");
    Instant createdOn = Instant.ofEpochSecond(located.requiredLong("eventCreatedOn"));
    try {
      return switch (type) {
        case "patchset-created" ->
            new PatchsetCreated(createdOn, change(located), located.optionalAccount("uploader"));
        case "comment-added" ->
            new CommentAdded(
                createdOn,
                change(located),
                located.requiredAccount("author"),
                located.requiredString("comment"));
        case "change-merged" ->
            new ChangeMerged(
                createdOn,
                change(located),
                located.optionalAccount("submitter"),
                located.optionalText("newRev"));
        case "change-abandoned" ->
            new ChangeAbandoned(
                createdOn,
                change(located),
                located.optionalAccount("abandoner"),
                located.optionalText("reason"));
        case "ref-updated" -> refUpdated(createdOn, located);
        default -> new Unsupported(createdOn, type);
      };
    } catch (IllegalArgumentException e) {
      throw new MalformedEventException(type + " event: " + e.getMessage(), e);
    }
  }

  private static ChangeRef change(Node event) {
    Node change = event.requiredObject("change");
    Node patchSet = event.requiredObject("patchSet");
    return new ChangeRef(
        change.requiredInt("number"),
        change.requiredText("id"),
        change.requiredText("project"),
        shortBranch(change.requiredText("branch")),
        change.optionalText("topic"),
        patchSet.requiredInt("number"),
        patchSet.requiredText("ref"),
        patchSet.requiredText("revision"));
  }

  private static RefUpdated refUpdated(Instant createdOn, Node event) {
    Node update = event.requiredObject("refUpdate");
    String refName = update.requiredText("refName");
    // Gerrit before 2.13 named branches without refs/heads/ in this one attribute.
    if (!refName.startsWith("refs/")) {
      refName = "refs/heads/" + refName;
    }
    return new RefUpdated(
        createdOn,
        update.requiredText("project"),
        refName,
        update.requiredText("oldRev"),
        update.requiredText("newRev"),
        event.optionalAccount("submitter"));
  }

  private static String shortBranch(String branch) {
    return branch.startsWith("refs/heads/") ? branch.substring("refs/heads/".length()) : branch;
  }

  private static String excerpt(String text) {
    String oneLine = text.strip().replaceAll("\\s+", " ");
    return oneLine.length() <= EXCERPT ? oneLine : oneLine.substring(0, EXCERPT) + "...";
  }

  /** An object in the event, with the path to it for messages. */
  private record Node(JsonNode json, String path) {

    private JsonNode field(String name) {
      JsonNode value = json.get(name);
      return value == null || value.isNull() ? null : value;
    }

    private MalformedEventException missing(String name, String what) {
      return new MalformedEventException(path + name + " " + what);
    }

    Node requiredObject(String name) {
      JsonNode value = field(name);
      if (value == null) {
        throw missing(name, "missing");
      }
      if (!value.isObject()) {
        throw missing(name, "is not an object");
      }
      return new Node(value, path + name + ".");
    }

    /** A string that may be empty (a comment can be). */
    String requiredString(String name) {
      JsonNode value = field(name);
      if (value == null) {
        throw missing(name, "missing");
      }
      if (!value.isTextual()) {
        throw missing(name, "is not a string");
      }
      return value.textValue();
    }

    String requiredText(String name) {
      String text = requiredString(name);
      if (text.isBlank()) {
        throw missing(name, "is empty");
      }
      return text;
    }

    Optional<String> optionalText(String name) {
      JsonNode value = field(name);
      if (value == null) {
        return Optional.empty();
      }
      if (!value.isTextual()) {
        throw missing(name, "is not a string");
      }
      return Optional.of(value.textValue()).filter(text -> !text.isBlank());
    }

    long requiredLong(String name) {
      JsonNode value = field(name);
      if (value == null) {
        throw missing(name, "missing");
      }
      if (value.isIntegralNumber() && value.canConvertToLong()) {
        return value.longValue();
      }
      // Gerrit 2.x wrote some numbers as strings; accept those that are plain digits.
      if (value.isTextual() && value.textValue().matches("[0-9]{1,18}")) {
        return Long.parseLong(value.textValue());
      }
      throw missing(name, "is not a whole number: " + value);
    }

    int requiredInt(String name) {
      long value = requiredLong(name);
      if (value > Integer.MAX_VALUE) {
        throw missing(name, "is out of range: " + value);
      }
      return (int) value;
    }

    Account requiredAccount(String name) {
      return optionalAccount(name).orElseThrow(() -> missing(name, "missing"));
    }

    /** An account, or empty when it is absent or names nobody. */
    Optional<Account> optionalAccount(String name) {
      JsonNode value = field(name);
      if (value == null) {
        return Optional.empty();
      }
      if (!value.isObject()) {
        throw missing(name, "is not an object");
      }
      Node account = new Node(value, path + name + ".");
      Optional<String> accountName = account.optionalText("name");
      Optional<String> email = account.optionalText("email");
      Optional<String> username = account.optionalText("username");
      if (accountName.isEmpty() && email.isEmpty() && username.isEmpty()) {
        return Optional.empty();
      }
      return Optional.of(new Account(accountName, email, username));
    }
  }
}
