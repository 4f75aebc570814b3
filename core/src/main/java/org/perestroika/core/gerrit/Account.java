package org.perestroika.core.gerrit;

import java.util.Objects;
import java.util.Optional;

/** A Gerrit user as events name them; Gerrit leaves out whichever of the three is not set. */
public record Account(Optional<String> name, Optional<String> email, Optional<String> username) {

  public Account {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(email, "email");
    Objects.requireNonNull(username, "username");
    if (name.isEmpty() && email.isEmpty() && username.isEmpty()) {
      throw new IllegalArgumentException("account has neither name, email nor username");
    }
  }

  /** The user name when there is one (what our own votes are recognised by), else name or email. */
  public String display() {
    return username.or(() -> name).or(() -> email).orElseThrow();
  }
}
