package org.perestroika.publisher.policy;

/** One reason an upload may not be published, worded so the uploader knows what to change. */
public record PolicyViolation(String message) {

  public PolicyViolation {
    if (message == null || message.isBlank()) {
      throw new IllegalArgumentException("a policy violation needs a message");
    }
  }

  @Override
  public String toString() {
    return message;
  }
}
