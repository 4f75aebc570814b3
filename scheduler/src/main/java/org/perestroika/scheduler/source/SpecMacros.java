package org.perestroika.scheduler.source;

import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;

/** The macros a spec defines with %define and %global, expanded as rpm does without running any. */
final class SpecMacros {
  static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  /** rpm's own limit: deeper is a macro that refers to itself. */
  static final int MAX_DEPTH = 64;

  /** Far beyond a name, a version or a URL; bounds what a crafted spec makes this host build. */
  static final int MAX_LENGTH = 65_536;

  /** Characters read while expanding, over the whole spec: bounds the time a crafted spec takes. */
  static final long MAX_WORK = 64L << 20;

  private final Map<String, Definition> table = new HashMap<>();
  private long work;

  /** A macro's body, or why using it would take more than reading the spec. */
  private record Definition(String body, Refused refusal, boolean conditional) {}

  /** A %define: its body is expanded where the macro is used. */
  void define(String name, String body) {
    table.put(name, new Definition(body, null, false));
  }

  /**
   * A %global: its body is expanded here, where a macro that is not defined yet stays as it is, to
   * be expanded where the macro is used. One that cannot be expanded fails only where it is used.
   */
  void global(String name, String body) {
    try {
      table.put(name, new Definition(expand(body, true, 0), null, false));
    } catch (Refused refused) {
      table.put(name, new Definition(null, refused, false));
    }
  }

  /** A definition inside %if: whether it holds, and which, depends on what is not read here. */
  void conditional(String name) {
    table.put(
        name,
        new Definition(
            null, new Refused("%{" + name + "}", "which is defined inside %if ... %endif"), true));
  }

  /** A parametric macro, which takes options and arguments where it is used. */
  void parametric(String name) {
    table.put(
        name,
        new Definition(null, new Refused("%{" + name + "}", "which is a parametric macro"), false));
  }

  void undefine(String name) {
    table.remove(name);
  }

  boolean isDefined(String name) {
    return table.containsKey(name);
  }

  /** Whether the macro is defined depends on a conditional. */
  boolean isUncertain(String name) {
    Definition definition = table.get(name);
    return definition != null && definition.conditional();
  }

  /**
   * The text with its macros expanded.
   *
   * @throws Refused at any form but %%, %{NAME}, %NAME and %{?NAME} of a macro defined here
   */
  String expand(String text) {
    return expand(text, false, 0);
  }

  private String expand(String text, boolean keepUndefined, int depth) {
    StringBuilder out = new StringBuilder();
    int i = 0;
    while (i < text.length()) {
      charge(1);
      char c = text.charAt(i);
      if (c != '%') {
        out.append(c);
        i++;
      } else if (text.startsWith("%%", i)) {
        out.append('%');
        i += 2;
      } else if (text.startsWith("%{", i)) {
        int close = closing(text, i + 1, '{', '}');
        if (close < 0) {
          throw new Refused(form(text, i, text.length()), "which is not closed");
        }
        String inner = text.substring(i + 2, close);
        boolean optional = inner.startsWith("?") && NAME.matcher(inner.substring(1)).matches();
        if (!optional && !NAME.matcher(inner).matches()) {
          throw new Refused(form(text, i, close + 1), reason(inner));
        }
        String name = optional ? inner.substring(1) : inner;
        if (table.containsKey(name)) {
          out.append(use(name, keepUndefined, depth));
        } else if (keepUndefined && !optional) {
          out.append(text, i, close + 1);
        } else if (!optional) {
          throw undefined("%{" + name + "}");
        }
        i = close + 1;
      } else if (i + 1 < text.length() && isNameStart(text.charAt(i + 1))) {
        int end = i + 1;
        while (end < text.length() && isNameChar(text.charAt(end))) {
          end++;
        }
        charge(end - i);
        String name = text.substring(i + 1, end);
        if (table.containsKey(name)) {
          out.append(use(name, keepUndefined, depth));
        } else if (keepUndefined) {
          out.append(text, i, end);
        } else {
          throw undefined("%" + name);
        }
        i = end;
      } else {
        char open = i + 1 < text.length() ? text.charAt(i + 1) : ' ';
        int close =
            open == '('
                ? closing(text, i + 1, '(', ')')
                : open == '[' ? closing(text, i + 1, '[', ']') : -1;
        int end = close >= 0 ? close + 1 : Character.isWhitespace(open) ? i + 1 : i + 2;
        throw new Refused(
            form(text, i, end),
            open == '(' ? "which runs a shell command" : "which the farm does not expand");
      }
      if (out.length() > MAX_LENGTH) {
        throw new Refused(
            form(text, 0, text.length()),
            "which expands to more than " + MAX_LENGTH + " characters");
      }
    }
    return out.toString();
  }

  private String use(String name, boolean keepUndefined, int depth) {
    Definition definition = table.get(name);
    String form = "%{" + name + "}";
    if (definition.refusal() != null) {
      throw definition.refusal().through(form);
    }
    if (depth >= MAX_DEPTH) {
      throw new Refused(
          form, "which expands more than " + MAX_DEPTH + " macros deep: does it refer to itself?");
    }
    try {
      return expand(definition.body(), keepUndefined, depth + 1);
    } catch (Refused refused) {
      throw refused.through(form);
    }
  }

  /** The index of the bracket that closes the one at {@code open}, or -1. */
  private int closing(String text, int open, char opening, char close) {
    int nesting = 0;
    for (int i = open; i < text.length(); i++) {
      charge(1);
      char c = text.charAt(i);
      if (c == opening) {
        nesting++;
      } else if (c == close && --nesting == 0) {
        return i;
      }
    }
    return -1;
  }

  private void charge(long characters) {
    work += characters;
    if (work > MAX_WORK) {
      throw new Refused("its macros", "which take more than " + MAX_WORK + " steps to expand");
    }
  }

  private static Refused undefined(String form) {
    return new Refused(form, "which the spec does not define with %define or %global before it");
  }

  private static String reason(String inner) {
    if (inner.startsWith("lua:")) {
      return "which runs Lua";
    }
    return "which the farm does not expand";
  }

  private static boolean isNameStart(char c) {
    return c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
  }

  private static boolean isNameChar(char c) {
    return isNameStart(c) || (c >= '0' && c <= '9');
  }

  /** The macro's text for a message, shortened. */
  private static String form(String text, int start, int end) {
    return end - start > 60
        ? text.substring(start, start + 57) + "..."
        : text.substring(start, end);
  }

  /** A macro that the farm does not expand, and why. */
  static final class Refused extends RuntimeException {
    private final String form;
    private final String through;

    Refused(String form, String reason) {
      this(form, reason, null);
    }

    private Refused(String form, String reason, String through) {
      super(reason, null, false, false);
      this.form = form;
      this.through = through;
    }

    /** The form a value uses, and the macro it goes through to reach it when that is another. */
    String uses() {
      return through == null ? form : through + ", which comes to " + form;
    }

    String reason() {
      return getMessage();
    }

    /** The same refusal, reached through the macro {@code outer}. */
    Refused through(String outer) {
      return outer.equals(form) ? this : new Refused(form, getMessage(), outer);
    }
  }
}
