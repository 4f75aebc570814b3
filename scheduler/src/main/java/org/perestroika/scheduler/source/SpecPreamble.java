package org.perestroika.scheduler.source;

import static java.util.regex.Pattern.CASE_INSENSITIVE;
import static java.util.regex.Pattern.DOTALL;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.perestroika.core.debian.InvalidSourceException;

/** The Name, Version and Source0 of an rpm spec, read as data: what would run is refused. */
record SpecPreamble(String name, String version, Optional<String> source0) {
  private static final String MACRO = SpecMacros.NAME.pattern();

  private static final Pattern TAG =
      Pattern.compile("(name|version|release)\\s*+:(.*)", CASE_INSENSITIVE | DOTALL);
  private static final Pattern SOURCE =
      Pattern.compile("source\\s*+([0-9]*+)\\s*+:(.*)", CASE_INSENSITIVE | DOTALL);

  // The patterns meet lines of a spec anyone may push, up to the whole spec when a macro stays
  // open:
  // their quantifiers are possessive where backtracking could take time quadratic in its length.

  // rpm expands macros in comments too, so a commented %global defines its macro all the same.
  private static final Pattern DEFINITION =
      Pattern.compile(
          "\\s*+(?:#\\s*+)?%(define|global)\\s++(" + MACRO + ")(\\([^)]*+\\))?(?:\\s++(.*))?",
          DOTALL);

  /** {@code %{!?NAME: %global NAME BODY}}: a default, as RDO's specs give upstream_version. */
  private static final Pattern DEFAULT =
      Pattern.compile(
          "\\s*+%\\{(?:!\\?|\\?!)("
              + MACRO
              + "):\\s*+%(define|global)\\s++("
              + MACRO
              + ")\\s++(.*)\\}\\s*+",
          DOTALL);

  private static final Pattern UNDEFINE =
      Pattern.compile("\\s*+%undefine\\s++(" + MACRO + ")\\s*+");
  private static final Pattern IF =
      Pattern.compile("\\s*+%(?:if|ifarch|ifnarch|ifos|ifnos)(?:\\s.*)?", DOTALL);
  private static final Pattern ENDIF = Pattern.compile("\\s*+%endif(?:\\s.*)?", DOTALL);

  /** rpm's section markers, at the start of a line; only %package opens another preamble. */
  private static final Pattern SECTION =
      Pattern.compile(
          "%(package|description|prep|build|install|check|clean|files|changelog|pre|post|preun"
              + "|postun|pretrans|posttrans|preuntrans|postuntrans|trigger|triggerin|triggerun"
              + "|triggerprein|triggerpostun|filetrigger|filetriggerin|filetriggerun"
              + "|filetriggerpostun|transfiletrigger|transfiletriggerin|transfiletriggerun"
              + "|transfiletriggerpostun|verifyscript|sepolicy|patchlist|sourcelist"
              + "|generate_buildrequires|conf|end)(?:\\s.*)?",
          CASE_INSENSITIVE | DOTALL);

  private static final String AS_DATA =
      "the farm reads Name, Version and Source0 without running the spec";

  /**
   * Reads the spec's main preamble (and the %package ones, for Source0) line by line as rpm does,
   * with each tag's macros expanded where the tag stands. Source0 is the tag numbered 0, or a
   * Source without a number before any other Source, as it stands with its macros expanded.
   *
   * @param where the project and commit, for messages
   * @param specPath the spec's path in the project, for messages
   * @throws InvalidSourceException when Name or Version is missing or given twice, when Name,
   *     Version or Source0 uses a macro that is not the spec's own plain one, or stands inside a
   *     conditional
   */
  static SpecPreamble read(String spec, String where, String specPath) {
    Reader reader = new Reader(where, specPath);
    for (String line : logicalLines(spec)) {
      reader.line(line);
    }
    return reader.preamble();
  }

  /** The file that rpmbuild looks for in SOURCES: the last part of a URL, as the jobs take it. */
  Optional<String> source0File() {
    return source0
        .map(value -> value.substring(value.lastIndexOf('/') + 1))
        .filter(f -> !f.isEmpty());
  }

  /**
   * The spec's lines, joined as rpm joins them: after a backslash at the end, and while a {@code
   * %{}, {@code %(} or {@code %[} is open.
   */
  static List<String> logicalLines(String spec) {
    List<String> lines = new ArrayList<>();
    StringBuilder line = new StringBuilder();
    boolean open = false;
    int braces = 0;
    int parens = 0;
    int brackets = 0;
    for (String physical : spec.split("\n", -1)) {
      if (physical.endsWith("\r")) {
        physical = physical.substring(0, physical.length() - 1);
      }
      if (open) {
        line.append('\n');
      }
      line.append(physical);
      boolean continued = false;
      for (int i = 0; i < physical.length(); i++) {
        char c = physical.charAt(i);
        char next = i + 1 < physical.length() ? physical.charAt(i + 1) : '\0';
        if (c == '\\') {
          continued = i + 1 == physical.length();
          i++;
        } else if (c == '%') {
          braces += next == '{' ? 1 : 0;
          parens += next == '(' ? 1 : 0;
          brackets += next == '[' ? 1 : 0;
          i += next == '{' || next == '(' || next == '[' || next == '%' ? 1 : 0;
        } else if (braces > 0 && (c == '{' || c == '}')) {
          braces += c == '{' ? 1 : -1;
        } else if (parens > 0 && (c == '(' || c == ')')) {
          parens += c == '(' ? 1 : -1;
        } else if (brackets > 0 && (c == '[' || c == ']')) {
          brackets += c == '[' ? 1 : -1;
        }
      }
      open = continued || braces > 0 || parens > 0 || brackets > 0;
      if (!open) {
        lines.add(line.toString());
        line.setLength(0);
      }
    }
    if (open) {
      lines.add(line.toString());
    }
    return lines;
  }

  /** The state of one reading: the macros so far, the tags found, the conditionals open. */
  private static final class Reader {
    private final String where;
    private final String specPath;
    private final SpecMacros macros = new SpecMacros();
    private int conditionals;
    private boolean preamble = true;
    private boolean main = true;
    private String name;
    private String version;
    private boolean release;
    private String source0;
    private InvalidSourceException source0Refused;
    private boolean unconditionalSource;
    private boolean conditionalSource;

    Reader(String where, String specPath) {
      this.where = where;
      this.specPath = specPath;
    }

    void line(String line) {
      Matcher m;
      if (IF.matcher(line).matches()) {
        conditionals++;
      } else if (ENDIF.matcher(line).matches()) {
        conditionals = Math.max(0, conditionals - 1);
      } else if ((m = DEFINITION.matcher(line)).matches()) {
        define(m.group(1), m.group(2), m.group(3) != null, m.group(4));
      } else if ((m = DEFAULT.matcher(line)).matches()) {
        if (macros.isUncertain(m.group(1))) {
          macros.conditional(m.group(3));
        } else if (!macros.isDefined(m.group(1))) {
          define(m.group(2), m.group(3), false, m.group(4));
        }
      } else if ((m = UNDEFINE.matcher(line)).matches()) {
        if (conditionals > 0) {
          macros.conditional(m.group(1));
        } else {
          macros.undefine(m.group(1));
        }
      } else if ((m = SECTION.matcher(line)).matches()) {
        preamble = m.group(1).equalsIgnoreCase("package");
        main = false;
      } else if (preamble && main && (m = TAG.matcher(line)).matches()) {
        tag(m.group(1).toLowerCase(Locale.ROOT), m.group(2).strip());
      } else if (preamble && (m = SOURCE.matcher(line)).matches()) {
        source(m.group(1), m.group(2).strip());
      }
    }

    private void define(String kind, String macro, boolean parametric, String body) {
      String text = body == null ? "" : body.replace("\\\n", "\n").strip();
      if (conditionals > 0) {
        macros.conditional(macro);
      } else if (parametric) {
        macros.parametric(macro);
      } else if (text.isEmpty()) {
        // rpm refuses an empty body, and rpmbuild will say so; here the macro stays as it was.
        return;
      } else if (kind.equals("global")) {
        macros.global(macro, text);
      } else {
        macros.define(macro, text);
      }
    }

    private void tag(String tag, String value) {
      String field = tag.substring(0, 1).toUpperCase(Locale.ROOT) + tag.substring(1);
      if (tag.equals("release")) {
        // Only Source0 could use it, through %{release}: refused there when it cannot be read.
        if (conditionals > 0) {
          macros.conditional(tag);
          return;
        }
        if (release) {
          throw twice(field);
        }
        release = true;
        macros.global(tag, value);
        return;
      }
      if (tag.equals("name") ? name != null : version != null) {
        throw twice(field);
      }
      if (conditionals > 0) {
        throw conditional(field, " is inside %if ... %endif");
      }
      String expanded = expand(field, value);
      // rpm defines %{name} and %{version} from the tag, for the lines after it.
      macros.define(tag, expanded);
      if (tag.equals("name")) {
        name = expanded;
      } else {
        version = expanded;
      }
    }

    /** rpm numbers a Source without a number after the one before it, from 0. */
    private void source(String number, String value) {
      boolean unnumbered = number.isEmpty();
      boolean isSource0 =
          unnumbered ? !unconditionalSource : number.chars().allMatch(digit -> digit == '0');
      boolean conditional = conditionals > 0;
      if (conditional) {
        conditionalSource = true;
      } else {
        unconditionalSource = true;
      }
      if (!isSource0) {
        return;
      }
      if (conditional) {
        throw conditional("Source0", " is inside %if ... %endif");
      }
      if (unnumbered && conditionalSource) {
        throw conditional(
            "Source0",
            " is a Source without a number, which is Source0 only when the conditionals leave"
                + " out the Source tags inside %if ... %endif before it");
      }
      if (source0 != null || source0Refused != null) {
        throw twice("Source0");
      }
      try {
        source0 = expand("Source0", value);
      } catch (InvalidSourceException e) {
        // A missing Version, say, explains an undefined %{version} here better.
        source0Refused = e;
      }
    }

    private String expand(String field, String value) {
      try {
        return macros.expand(value);
      } catch (SpecMacros.Refused refused) {
        throw new InvalidSourceException(
            where
                + ": "
                + field
                + " in "
                + specPath
                + " uses "
                + refused.uses()
                + ", "
                + refused.reason()
                + ": "
                + AS_DATA
                + ", expanding only the spec's own %define and %global macros of plain values,"
                + " %{name}, %{version}, %{release} and %{?macro}; write a literal value or a"
                + " %global of one");
      }
    }

    private InvalidSourceException conditional(String field, String how) {
      return new InvalidSourceException(
          where
              + ": "
              + field
              + " in "
              + specPath
              + how
              + ": "
              + AS_DATA
              + ", so without deciding conditionals; give "
              + field
              + " once, outside them, with a literal value or a %global of one");
    }

    private InvalidSourceException twice(String field) {
      return new InvalidSourceException(
          where
              + ": "
              + specPath
              + " gives "
              + field
              + " more than once, which rpmbuild refuses: keep one "
              + field
              + " tag");
    }

    SpecPreamble preamble() {
      if (name == null || version == null) {
        throw new InvalidSourceException(
            where
                + ": "
                + specPath
                + " has no "
                + (name == null ? "Name" : "Version")
                + " tag in its preamble: give the spec a Name and a Version of letters, digits"
                + " and . _ + (and ~ ^ in the version)");
      }
      if (source0Refused != null) {
        throw source0Refused;
      }
      return new SpecPreamble(name, version, Optional.ofNullable(source0));
    }
  }
}
